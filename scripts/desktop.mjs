#!/usr/bin/env node
// `npm run desktop` (and the last step of `npm start`): launch Electron on the built main process.
// `npm install` never downloads Electron's binary (package.json allowScripts: electron false), so an unreachable
// download site cannot fail the install and take the server and web client with it. The binary is fetched here, the
// first time it is needed; when that is impossible this says why in one line and exits 0, so `npm start` keeps the
// server and web client running.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const webUrl = process.env.MESSENGER_SERVER_URL ?? `http://localhost:${process.env.PORT ?? 8080}`;

function electronBinary() {
  // What the electron package's index.js computes, without its side effect: requiring it starts a download.
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, executable ?? 'electron');
  const full = executable ? join(dir, 'dist', executable) : null;
  return full && existsSync(full) ? full : null;
}

function fetchElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set';
  let installer;
  try {
    installer = require.resolve('electron/install.js');
  } catch {
    return 'the electron package is not installed (run npm install)';
  }
  console.log('Downloading Electron (once; set ELECTRON_MIRROR to use a mirror)...');
  const res = spawnSync(process.execPath, [installer], { cwd: root, encoding: 'utf8', timeout: 10 * 60_000 });
  if (res.status === 0) return null;
  const firstError = `${res.stderr ?? ''}${res.error?.message ?? ''}`.split('\n').find((l) => /error|ENOTFOUND|ECONN|timed? ?out/i.test(l));
  return `the download failed${firstError ? ` (${firstError.trim()})` : ''}`;
}

let binary = electronBinary();
if (!binary) {
  const why = fetchElectron();
  binary = why ? null : electronBinary();
  if (!binary) {
    console.log(
      `Desktop app not started: Electron's binary is missing (${why ?? 'not found after download'}); get it with \`node node_modules/electron/install.js\` (ELECTRON_MIRROR=<url> for a mirror). The web client is at ${webUrl}.`,
    );
    process.exit(0);
  }
}

const main = join(root, 'dist-desktop', 'main', 'index.mjs');
if (!existsSync(main)) {
  console.error('dist-desktop/main/index.mjs is missing: run `npm run build:desktop` first.');
  process.exit(1);
}

const env = { ...process.env };
// Without a renderer build, show the web client the local server serves at / (same bundle).
if (!env.MESSENGER_DEV_URL && !existsSync(join(root, 'renderer', 'dist', 'index.html'))) {
  env.MESSENGER_DEV_URL = webUrl;
}
const child = spawn(binary, [main, ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
