// Build script: writes the installer icons under build/icons/ from main/icon-art.ts (run: npx tsx scripts/make-icons.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawIcon } from '../main/icon-art.js';

const dir = join(import.meta.dirname, '..', 'build', 'icons');
mkdirSync(dir, { recursive: true });
for (const size of [512, 256]) {
  writeFileSync(join(dir, `${size}x${size}.png`), drawIcon('app', size));
}
console.log(`icons written to ${dir}`);
