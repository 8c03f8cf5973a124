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

  it("passes electron-builder's own configuration check, the one it runs before building any target", async () => {
    // NSIS and DMG cannot be built on Linux here (they need a real Windows PE and macOS); this is as far as it goes.
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration: (c: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    const nsis = config.nsis as object;
    await expect(
      validateConfiguration({ ...structuredClone(config), nsis: { ...nsis, oneClik: false } }, new DebugLogger(false)),
    ).rejects.toThrow(/nsis/);
    await expect(validateConfiguration({ ...structuredClone(config), dmg: { windw: {} } }, new DebugLogger(false))).rejects.toThrow(/dmg/);
  });

  it('publishes where electron-updater looks: the project releases, written into the package as app-update.yml', () => {
    expect(config.publish).toEqual([{ provider: 'github', owner: expect.any(String), repo: expect.any(String) }]);
  });

  it('macOS: after flipping fuses the app is re-signed ad hoc; a configured identity signs over it', () => {
    expect(config.electronFuses).toMatchObject({ resetAdHocDarwinSignature: true });
    // identity: null would switch signing off even where a real identity is configured (CSC_LINK / keychain).
    expect((config.mac as Record<string, unknown>).identity).toBeUndefined();
    // electron-builder hands the flag to @electron/fuses, which re-signs the whole .app with `codesign --sign -`.
    const packager = readFileSync(require.resolve('app-builder-lib/out/platformPackager.js'), 'utf8');
    expect(packager).toMatch(/resetAdHocDarwinSignature: fuses\.resetAdHocDarwinSignature/);
    const fuses = readFileSync(require.resolve('@electron/fuses'), 'utf8');
    expect(fuses).toMatch(/resetAdHocDarwinSignature[\s\S]{0,200}'codesign',\s*\[\s*'--sign',\s*'-'/);
  });

  it('points at icons that exist and at the built entry', () => {
    for (const size of [256, 512]) {
      const png = readFileSync(join(root, 'build', 'icons', `${size}x${size}.png`));
      expect(png.readUInt32BE(16)).toBe(size); // IHDR width
    }
    expect(config.extraMetadata).toEqual({ main: 'dist-desktop/main/index.mjs' });
  });
});
