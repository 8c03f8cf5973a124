#!/usr/bin/env node
// `npm test`: the unit and integration suites, then the browser end-to-end suite against the built web client.
// Arguments (`npm test -- server/rooms`) run only matching unit/integration tests. Without Chromium the e2e suite
// is skipped with a note, except in CI, where it must run. TEST_REPORT_DIR=dir keeps JSON reports of both runs.
// The last line is always `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const reportDir = process.env.TEST_REPORT_DIR ?? join(root, 'node_modules', '.cache', 'test-reports');
mkdirSync(reportDir, { recursive: true });
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function vitest(name, extra) {
  const report = join(reportDir, `${name}.json`);
  const res = spawnSync(npx, ['vitest', 'run', ...extra, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: root,
    stdio: 'inherit',
  });
  let totals = { passed: 0, failed: res.status === 0 ? 0 : 1, skipped: 0 };
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    totals = {
      passed: r.numPassedTests,
      failed: Math.max(r.numFailedTests, res.status === 0 ? 0 : 1),
      skipped: r.numPendingTests + (r.numTodoTests ?? 0),
    };
  }
  return totals;
}

const runs = [vitest('unit', args)];
if (args.length === 0) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium) && process.env.CI !== 'true') {
    console.log(`\nBrowser end-to-end tests skipped: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH).`);
  } else {
    const build = spawnSync(npx, ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    runs.push(build.status === 0 ? vitest('e2e', ['-c', 'vitest.e2e.config.ts']) : { passed: 0, failed: 1, skipped: 0 });
  }
}
const sum = runs.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
console.log(`\n${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
process.exit(sum.failed === 0 ? 0 : 1);
