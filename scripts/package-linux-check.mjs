#!/usr/bin/env node
// CI: package the Linux app with electron-builder as far as this machine allows, so a configuration error fails CI
// instead of a release. Electron's binary cannot be downloaded here, so electron-builder gets a stand-in Electron
// distribution (electronDist): a file carrying Electron's fuse sentinel, so fuse flipping runs for real. The `dir`
// target is packaged in full (asar, renamed executable, fuses) and checked; AppImage and deb need tools electron-builder
// downloads from GitHub (appimagetool, fpm), which this machine cannot reach, so their options are checked instead.
// Run after `npm run build` and `npm run build:desktop`: node scripts/package-linux-check.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
};

for (const f of ['renderer/dist/index.html', 'dist-desktop/main/index.mjs', 'dist-desktop/preload/index.cjs']) {
  if (!existsSync(join(root, f))) {
    console.error(`${f} is missing: run npm run build and npm run build:desktop first.`);
    process.exit(1);
  }
}

// ---- the stand-in Electron distribution ----
const work = mkdtempSync(join(tmpdir(), 'package-check-'));
const dist = join(work, 'electron-dist');
mkdirSync(join(dist, 'resources'), { recursive: true });
const { SENTINEL } = require('@electron/fuses/dist/constants.js');
// Fuse wire v1 as Electron ships it: version 1, then one '0'/'1' byte per fuse (9 in current Electron).
const wire = Buffer.from([1, 9, ...Buffer.from('101100001')]);
writeFileSync(join(dist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron"\n'), Buffer.from(SENTINEL), wire]));
chmodSync(join(dist, 'electron'), 0o755);
writeFileSync(join(dist, 'version'), electronVersion);
writeFileSync(join(dist, 'LICENSE'), 'stand-in');
writeFileSync(join(dist, 'LICENSES.chromium.html'), 'stand-in');

// ---- package the dir target ----
const out = join(work, 'release');
execFileSync(
  process.execPath,
  [
    require.resolve('electron-builder/cli.js'),
    '--linux',
    'dir',
    '--config',
    'electron-builder.yml',
    `-c.electronDist=${dist}`,
    `-c.electronVersion=${electronVersion}`,
    `-c.directories.output=${out}`,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
);

const unpacked = join(out, 'linux-unpacked');
const executable = config.linux?.executableName ?? config.executableName ?? pkg.name;
check(existsSync(join(unpacked, executable)), `packaged executable ${executable} is missing`);
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
const { FuseState } = require('@electron/fuses/dist/constants.js');
const fuses = await getCurrentFuseWire(join(unpacked, executable));
const expectFuse = (option, on) =>
  check(fuses[option] === (on ? FuseState.ENABLE : FuseState.DISABLE), `fuse ${FuseV1Options[option]} not ${on}`);
expectFuse(FuseV1Options.RunAsNode, false);
expectFuse(FuseV1Options.EnableNodeOptionsEnvironmentVariable, false);
expectFuse(FuseV1Options.EnableNodeCliInspectArguments, false);
expectFuse(FuseV1Options.EnableCookieEncryption, true);
expectFuse(FuseV1Options.EnableEmbeddedAsarIntegrityValidation, true);
expectFuse(FuseV1Options.OnlyLoadAppFromAsar, true);

const asar = require('@electron/asar');
const archive = join(unpacked, 'resources', 'app.asar');
const files = asar.listPackage(archive, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
const maps = files.filter((f) => f.endsWith('.map'));
check(maps.length === 0, `source maps inside app.asar: ${maps.join(', ')}`);
for (const f of ['/dist-desktop/main/index.mjs', '/dist-desktop/preload/index.cjs', '/renderer/dist/index.html', '/package.json']) {
  check(files.includes(f), `${f} missing from app.asar`);
}
check(!files.some((f) => f.startsWith('/node_modules/')), 'node_modules packed into app.asar');
const packedPkg = JSON.parse(asar.extractFile(archive, 'package.json').toString());
check(packedPkg.main === 'dist-desktop/main/index.mjs', `packaged main is ${packedPkg.main}`);

// electron-updater in the installed app reads its feed from app-update.yml, written from `publish`.
const updateYml = join(unpacked, 'resources', 'app-update.yml');
check(existsSync(updateYml), 'resources/app-update.yml missing: auto-update would have no feed');
if (existsSync(updateYml)) {
  const feed = parse(readFileSync(updateYml, 'utf8'));
  check(feed.provider === config.publish?.[0]?.provider, `app-update.yml provider is ${feed.provider}`);
  check(typeof feed.updaterCacheDirName === 'string', 'app-update.yml has no updaterCacheDirName');
}

// ---- deb and AppImage: electron-builder checks their options before it fetches fpm / appimagetool from GitHub ----
for (const target of ['deb', 'AppImage']) {
  const targetOut = join(work, `release-${target}`);
  try {
    execFileSync(
      process.execPath,
      [
        require.resolve('electron-builder/cli.js'),
        '--linux',
        target,
        '--config',
        'electron-builder.yml',
        `-c.electronDist=${dist}`,
        `-c.electronVersion=${electronVersion}`,
        `-c.directories.output=${targetOut}`,
      ],
      { cwd: root, encoding: 'utf8', stdio: 'pipe' },
    );
    console.log(`${target}: built in ${targetOut}`);
  } catch (err) {
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    const reachedBuild = new RegExp(`building\\s+target=${target}`).test(output);
    const toolUnreachable = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|getaddrinfo/.test(output);
    if (reachedBuild && toolUnreachable) {
      console.log(`${target}: options accepted; not built here (electron-builder could not download its packaging tool)`);
    } else {
      failures.push(`${target}: ${output.split('\n').find((l) => l.includes('⨯')) ?? output.slice(-500)}`);
    }
  }
}

// ---- what electron-builder does not check itself ----
check(typeof pkg.homepage === 'string' && /^https?:\/\//.test(pkg.homepage), 'package.json homepage is required by deb');
check(
  typeof config.linux?.maintainer === 'string' && /<[^>]+@[^>]+>/.test(config.linux.maintainer),
  'linux.maintainer with an email is required by deb',
);
check(pkg.productName === config.productName, 'productName differs between package.json and electron-builder.yml');
// Electron takes the Linux app_id / WM_CLASS from desktopName; the desktop entry's name and StartupWMClass must match.
check(pkg.desktopName === `${executable}.desktop`, `desktopName should be ${executable}.desktop`);
check(config.linux?.syncDesktopName === true, 'linux.syncDesktopName should be true so the .desktop file is named after desktopName');
check(config.linux?.desktop?.entry?.StartupWMClass === undefined, 'StartupWMClass is derived from desktopName; do not set it by hand');

if (failures.length > 0) {
  console.error(`Linux packaging check failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`Linux packaging check passed: ${unpacked} (Electron ${electronVersion} stand-in, ${files.length} files in app.asar)`);
