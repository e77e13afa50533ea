// The guard every bad-input table relies on (setup.ts): run a fixture file through vitest and
// check that exactly the tests during which an unhandled rejection or an uncaught exception
// happened fail, with the error named.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("test/bad-input/setup.ts", () => {
  it("fails the test that leaves a rejection unhandled or throws from a callback, and only it", () => {
    const vitest = join(process.cwd(), "node_modules/vitest/vitest.mjs");
    const r = spawnSync(
      process.execPath,
      [vitest, "run", "--config", "test/bad-input/fixtures/vitest.fixture.config.ts", "--reporter", "json"],
      { encoding: "utf8", timeout: 60_000, env: { ...process.env, CI: "true", NO_COLOR: "1" } },
    );
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as {
      testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
    };
    const results = report.testResults.flatMap((f) => f.assertionResults);
    expect(results.map((t) => [t.title, t.status])).toEqual([
      ["a clean test passes", "passed"],
      ["leaves a rejection unhandled", "failed"],
      ["throws from a timer", "failed"],
      ["a clean test after them passes", "passed"],
    ]);
    const message = (title: string) => results.find((t) => t.title === title)!.failureMessages.join("\n");
    expect(message("leaves a rejection unhandled")).toMatch(/1 unhandled error\(s\) during this test:\nunhandled rejection: Error: nobody handles this rejection/);
    expect(message("throws from a timer")).toMatch(/1 unhandled error\(s\) during this test:\nuncaught exception: Error: thrown from a timer/);
  });
});
