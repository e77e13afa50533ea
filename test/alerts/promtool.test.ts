// The shipped alert rules checked and unit-tested by the real promtool (Debian's prometheus
// package). Without promtool these tests are skipped locally and fail in CI (CI=true).
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { IN_CI, findExecutable, missingToolReason, run } from "../deploy/tools.js";

const RULES = fileURLToPath(new URL("../../alerts/vip-arp.rules.yml", import.meta.url));
const RULE_TESTS = fileURLToPath(new URL("../../alerts/vip-arp.rules.test.yml", import.meta.url));

const promtool = findExecutable("promtool");
const missing = missingToolReason("promtool", promtool, "prometheus");
if (missing && !IN_CI) console.warn(`alert rule tests with promtool SKIPPED: ${missing}`);

describe("alert rules with promtool", () => {
  if (missing && IN_CI) {
    it("promtool is installed (required when CI=true)", () => {
      expect.fail(`${missing}: CI runs the rule tests with it; .ci/run must install it`);
    });
  }

  describe.skipIf(missing !== null)(missing ? `SKIPPED: ${missing}` : "promtool", () => {
    it("`promtool check rules` accepts alerts/vip-arp.rules.yml", async () => {
      const r = await run(promtool as string, ["check", "rules", RULES]);
      expect(r.stderr + r.stdout).toMatch(/SUCCESS: \d+ rules found/);
      expect(r.code).toBe(0);
    });

    it("`promtool test rules` passes alerts/vip-arp.rules.test.yml", async () => {
      const r = await run(promtool as string, ["test", "rules", RULE_TESTS]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/SUCCESS/);
    });
  });
});
