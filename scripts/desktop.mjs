#!/usr/bin/env node
// `npm run desktop`: launch Electron on the built main process. Where the Electron binary is missing (it is
// downloaded by electron's install script, skipped on machines that only reach the npm registry) say so in one line
// and exit 0, so `npm start` can keep the server and web client running.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

let electronBinary = null;
try {
  // The electron package exports the binary's path, and throws when its install step never downloaded it.
  const path = require('electron');
  if (typeof path === 'string' && existsSync(path)) electronBinary = path;
} catch {
  electronBinary = null;
}
if (!electronBinary) {
  console.log(
    'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?): desktop app not started; the web client is at the server URL.',
  );
  process.exit(0);
}

const main = join(root, 'dist-desktop', 'main', 'index.mjs');
if (!existsSync(main)) {
  console.error('dist-desktop/main/index.mjs is missing: run `npm run build:desktop` first.');
  process.exit(1);
}

const env = { ...process.env };
// Without a renderer build, show the web client the local server serves at / (same bundle).
if (!env.MESSENGER_DEV_URL && !existsSync(join(root, 'renderer', 'dist', 'index.html'))) {
  env.MESSENGER_DEV_URL = `http://localhost:${env.PORT ?? 8080}`;
}
const child = spawn(electronBinary, [main, ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
