// `promtool check metrics` (Debian's prometheus package) on what the served demo exposes: the
// only findings are infra_node_vip_count's "_count" suffix (a name users asked for, kept and
// explained in docs/metrics.md) and prom-client's own nodejs_* names, which are not ours.
import { execFile } from "node:child_process";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestExporter, type TestExporter } from "../helpers/exporter.js";
import { IN_CI, findExecutable, missingToolReason, type RunResult } from "./tools.js";

const promtool = findExecutable("promtool");
const missing = missingToolReason("promtool", promtool, "prometheus");
if (missing && !IN_CI) console.warn(`promtool check metrics SKIPPED: ${missing}`);

const KEPT = 'infra_node_vip_count non-histogram and non-summary metrics should not have "_count" suffix';

function checkMetrics(text: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(promtool as string, ["check", "metrics"], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(text);
  });
}
const findings = (r: RunResult) => (r.stdout + r.stderr).split("\n").filter(Boolean);

describe("promtool check metrics on the served demo", () => {
  if (missing && IN_CI) {
    it("promtool is installed (required when CI=true)", () => {
      expect.fail(`${missing}: CI lints the exposition with it`);
    });
  }

  describe.skipIf(missing !== null)(missing ? `SKIPPED: ${missing}` : "promtool", () => {
    let ex: TestExporter;
    let text: string;
    beforeAll(async () => {
      ex = await startTestExporter();
      text = (await request(ex.app).get("/metrics").expect(200)).text;
    });
    afterAll(async () => {
      await ex?.close();
    });

    it("reports only infra_node_vip_count and prom-client's nodejs_* names", async () => {
      expect(text).toContain('vip_holders{vip="192.0.2.101"} 3');
      const r = await checkMetrics(text);
      const all = findings(r);
      expect(all).toContain(KEPT);
      expect(all.filter((l) => l !== KEPT && !/^nodejs_\w+ /.test(l))).toEqual([]);
      expect(r.code).toBe(3); // promtool's exit code for lint findings
    });

    it("would report a gauge named like a summary's count, as vip_holder_count was", async () => {
      const r = await checkMetrics(`${text}# HELP vip_holder_count old name\n# TYPE vip_holder_count gauge\nvip_holder_count{vip="192.0.2.101"} 3\n`);
      expect(findings(r)).toContain('vip_holder_count non-histogram and non-summary metrics should not have "_count" suffix');
    });
  });
});
