// The soak's short version (bench/lib/soak.ts; the long one is `npm run bench -- --only soak`):
// scrapes and remediations of the served exporter while a node flaps and the SNMP agent cycles
// through fault modes, in a process of its own (bench/soak-check.ts). Every file descriptor and
// socket it opened is closed again when it stops, and the steady state holds as many at the end
// as at the start. No timing is asserted.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { SoakResult } from "../../bench/lib/soak.js";

const SCRIPT = fileURLToPath(new URL("../../dist/bench/soak-check.js", import.meta.url));

function soak(scrapes: number, remediations: number): Promise<SoakResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--expose-gc", SCRIPT, String(scrapes), String(remediations)], { timeout: 110_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`soak-check failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as SoakResult);
    });
  });
}

describe("soak (short)", () => {
  it("300 scrapes and 20 remediations with a flapping node and a misbehaving agent leak no fd or socket", async () => {
    const r = await soak(300, 20);
    expect(r.after).toEqual(r.before);
    const [start, , end] = r.points;
    expect({ fds: end!.fds, sockets: end!.sockets }).toEqual({ fds: start!.fds, sockets: start!.sockets });
    // The run really exercised both paths: every scrape answered, every remediation ran.
    expect(r.statuses["GET /metrics 200"]).toBe(301);
    expect(r.remediations).toBe(20);
    expect(Object.entries(r.statuses).filter(([k]) => k.startsWith("POST /remediate")).reduce((n, [, v]) => n + v, 0)).toBe(20);
    // Some remediations ran while the agent misbehaved (503: nothing sent on a distrusted view), some sent GARPs.
    expect(r.statuses["POST /remediate 503"]).toBeGreaterThan(0);
    expect(r.statuses["POST /remediate 200"]).toBeGreaterThan(0);
  }, 120_000);
});
