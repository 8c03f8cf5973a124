// Build script: bundles Electron main (ESM, with electron-store and zod inside, so the package needs no
// node_modules) and the preload (one CommonJS file: a sandboxed preload can require only `electron`) into dist-desktop/.
// Run: npm run build:desktop
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// DESKTOP_OUT_DIR lets the bundle smoke test build elsewhere than the real output.
const out = process.env.DESKTOP_OUT_DIR ?? join(root, 'dist-desktop');
rmSync(out, { recursive: true, force: true });

const common = { bundle: true, sourcemap: true, legalComments: 'none', logLevel: 'warning', absWorkingDir: root } as const;

await build({
  ...common,
  entryPoints: ['main/index.ts'],
  outfile: join(out, 'main', 'index.mjs'),
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['electron'],
  // Bundled CommonJS dependencies call require(); give them a real one inside the ES module.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

await build({
  ...common,
  entryPoints: ['preload/index.ts'],
  outfile: join(out, 'preload', 'index.cjs'),
  platform: 'browser',
  format: 'cjs',
  target: 'chrome130',
  external: ['electron'],
});

// A sandboxed preload that requires anything but electron fails at run time; catch that at build time instead.
const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
const requires = [...preload.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
const foreign = requires.filter((name) => name !== 'electron');
if (foreign.length > 0) {
  console.error(`preload bundle requires ${foreign.join(', ')}: a sandboxed preload may only require electron`);
  process.exit(1);
}
console.log(`desktop built to ${out}`);
