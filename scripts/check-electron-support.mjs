#!/usr/bin/env node
// CI check: the installed Electron is inside Electron's support window, the newest three stable majors
// (https://www.electronjs.org/docs/latest/tutorial/electron-timelines). The current major comes from the npm
// registry's dist-tags, asked through npm itself. Without the registry this fails, saying so: an unknown answer
// must not pass as a yes.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SUPPORTED_MAJORS = 3;
const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const installed = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const installedMajor = Number(installed.split('.')[0]);

const tags = await new Promise((resolve) => {
  execFile(npm, ['view', 'electron', 'dist-tags', '--json'], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
    if (err) {
      const reason = (stderr || err.message).split('\n').find((l) => l.trim()) ?? 'no answer';
      console.error(`Cannot check Electron's support window: the npm registry did not answer (${reason.trim()}).`);
      process.exit(2);
    }
    resolve(JSON.parse(stdout));
  });
});
const latestMajor = Number(String(tags.latest).split('.')[0]);
const oldestSupported = latestMajor - SUPPORTED_MAJORS + 1;
if (!Number.isInteger(latestMajor) || !Number.isInteger(installedMajor)) {
  console.error(`Cannot read Electron versions (installed ${installed}, latest ${tags.latest}).`);
  process.exit(2);
}
if (installedMajor < oldestSupported) {
  console.error(
    `Electron ${installed} is out of support: Electron supports ${oldestSupported}-${latestMajor} (latest ${tags.latest}). ` +
      `Update the "electron" devDependency in package.json.`,
  );
  process.exit(1);
}
console.log(`Electron ${installed}: supported (supported majors ${oldestSupported}-${latestMajor}, latest ${tags.latest}).`);
