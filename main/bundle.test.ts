// Builds main + preload exactly as `npm run build:desktop` does: catches a preload that requires something a sandbox
// refuses. Booting the bundled main is the desktop end-to-end harness's job (e2e/desktop, npm run test:desktop).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('desktop bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'desktop-bundle-'));
  const out = join(dir, 'out');

  it('builds a preload that requires only electron', () => {
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build-desktop.ts')], {
      cwd: root,
      env: { ...process.env, DESKTOP_OUT_DIR: out },
      stdio: 'pipe',
    });
    const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    expect([...preload.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
  }, 60_000);
});
