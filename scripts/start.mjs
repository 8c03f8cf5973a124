#!/usr/bin/env node
// `npm start`: the product on one machine. Builds the web client and the desktop shell if they are not built yet,
// starts the server on the embedded database (or DATABASE_URL), then opens the desktop app connected to it.
// Without an Electron binary, `npm run desktop` says so in one line and the server and web client keep running.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (script) => {
  const res = spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
};

if (!existsSync(join(root, 'renderer', 'dist', 'index.html'))) run('build:web');
if (!existsSync(join(root, 'dist-desktop', 'main', 'index.mjs'))) run('build:desktop');

const port = process.env.PORT ?? '8080';
const server = spawn(npm, ['run', '--silent', 'server'], { cwd: root, stdio: 'inherit', env: { ...process.env, PORT: port } });
const stop = (signal) => {
  server.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
server.on('exit', (code) => process.exit(code ?? 0));

// Wait for the server to answer, then open the desktop app pointed at it.
const url = `http://localhost:${port}`;
for (let i = 0; i < 120; i++) {
  try {
    if ((await fetch(`${url}/api/health`)).ok) break;
  } catch {
    // not up yet
  }
  await new Promise((r) => setTimeout(r, 500));
}
console.log(`Messenger server and web client: ${url}`);
spawn(npm, ['run', '--silent', 'desktop'], { cwd: root, stdio: 'inherit', env: { ...process.env, PORT: port, MESSENGER_SERVER_URL: url } });
