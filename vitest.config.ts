import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests (*.unit.test.ts) and integration tests (*.test.ts that
// build the app in-process). Integration tests use TEST_DATABASE_URL when set (PostgreSQL
// in `npm test`), otherwise a fresh in-memory SQLite database per test file.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['apps/*/src/**/*.unit.test.ts', 'packages/*/src/**/*.unit.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          exclude: ['**/*.unit.test.ts', '**/node_modules/**'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
