#!/usr/bin/env node
// Used by `npm run server`: the server serves the web client from renderer/dist, so build it once if it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
if (!existsSync(join(root, 'renderer', 'dist', 'index.html')) && !process.env.WEB_DIR) {
  console.log('Building the web client once (renderer/dist)...');
  const res = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['vite', 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (res.status !== 0) console.error('The web client did not build; the server runs without it (API only).');
}
