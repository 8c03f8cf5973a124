import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: Debian's Chromium driven by playwright-core against the real server (npm run test:e2e
// builds the web client first; the server serves it from renderer/dist).
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    // The desktop harness has its own run: npm run test:desktop (vitest.desktop.config.ts).
    exclude: ['e2e/desktop/**', 'node_modules/**'],
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
