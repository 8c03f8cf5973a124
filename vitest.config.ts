import { defineConfig } from 'vitest/config';

// One test command for everything. DATABASE_URL=mysql://... runs the server suites against MariaDB/MySQL
// (each test file creates and drops its own database); unset, they run on the embedded SQLite.
export default defineConfig({
  test: {
    include: [
      'protocol/**/*.test.ts',
      'server/**/*.test.ts',
      'client/**/*.test.ts',
      'main/**/*.test.ts',
      'preload/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
