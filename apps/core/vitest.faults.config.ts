import { defineConfig } from "vitest/config";

/**
 * Fault tests (`pnpm test:faults`): real Core processes on real PostgreSQL, killed, starved of their
 * database, raced and trickled. Sequential: each file starts its own processes and measures time.
 */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
