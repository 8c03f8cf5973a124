// Packaging config checked against electron-builder's own JSON schema (app-builder-lib/scheme.json), since the
// installers themselves cannot be built on machines without the Electron binary.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const schemaPath = join(require.resolve('app-builder-lib/package.json'), '..', 'scheme.json');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('validates against app-builder-lib/scheme.json', () => {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema is strict enough to catch a typo, so a pass above means something.
    expect(validate({ ...config, electronFuses: { runAsNod: false } })).toBe(false);
    expect(validate({ ...config, linux: { target: 'AppImage', icon: 3 } })).toBe(false);
  });

  it('builds AppImage, deb, NSIS and DMG with the messenger protocol', () => {
    expect(config).toMatchObject({
      appId: expect.any(String),
      productName: 'Messenger',
      linux: { target: ['AppImage', 'deb'] },
      win: { target: ['nsis'] },
      mac: { target: ['dmg'] },
      protocols: [{ schemes: ['messenger'] }],
    });
  });

  it('sets the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('points at icons that exist and at the built entry', () => {
    for (const size of [256, 512]) {
      const png = readFileSync(join(root, 'build', 'icons', `${size}x${size}.png`));
      expect(png.readUInt32BE(16)).toBe(size); // IHDR width
    }
    expect(config.extraMetadata).toEqual({ main: 'dist-desktop/main/index.mjs' });
  });
});
