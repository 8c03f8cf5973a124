import { defineConfig } from 'vitest/config';

// Desktop end-to-end tests (e2e/desktop): the bundled Electron main process under Node with a stand-in `electron`
// whose windows are Debian's Chromium, against the real server. `npm run test:desktop` builds the renderer first.
export default defineConfig({
  test: {
    include: ['e2e/desktop/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
  },
});
