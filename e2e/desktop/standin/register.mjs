// Loaded with `node --import tsx --import <this>` in front of the bundled main process: every `import ... from
// 'electron'` (main's and electron-store's) resolves to the stand-in in this folder instead of the npm package,
// whose index only exports the path of a binary that cannot be downloaded here.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
const standin = ${JSON.stringify(new URL('./electron.ts', import.meta.url).href)};
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: standin, shortCircuit: true, format: 'module' };
  return next(specifier, context);
}`),
);
