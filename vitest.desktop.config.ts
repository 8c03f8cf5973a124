import { defineConfig } from 'vitest/config';

// Desktop end-to-end tests (e2e/desktop): the bundled Electron main process under Node with a stand-in `electron`
// whose windows are Debian's Chromium, against the real server. `npm run test:desktop` builds the renderer first.
export default defineConfig({
  test: {
    include: ['e2e/desktop/**/*.test.ts'],
    // What a user sees may take more than expect.poll's default second on a loaded machine (a read marker's round
    // trip to MariaDB under CI load did): assertions still have to come true, only sooner than 10 s.
    expect: { poll: { timeout: 10_000 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
  },
});
