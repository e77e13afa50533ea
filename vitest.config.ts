import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Forks, not threads: lab and closed-loop tests start real daemons and must be able to kill
    // them from exit hooks. The two lab files use different subnets, so files may run in parallel.
    pool: "forks",
    // Fails a bad-input table's test on an unhandled rejection or uncaught exception; the file
    // checks its own path and does nothing for tests outside test/bad-input.
    setupFiles: ["test/bad-input/setup.ts"],
  },
});
