import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Lab and closed-loop tests own network namespaces and real daemons: never run two at once.
    fileParallelism: true,
    pool: "forks",
  },
});
