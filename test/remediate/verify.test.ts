import { describe, expect, it } from "vitest";
import { verifyActions } from "../../src/remediate/verify.js";
import type { GarpAction, ObservedRouter } from "../../src/model/types.js";

const N1 = "00:1a:4a:48:be:4b";
const N2 = "00:1a:4a:48:be:ef";
const N3 = "00:1a:4a:48:be:4c";
const owners = new Map([
  [N1, "ose-prod-node-01"],
  [N2, "ose-prod-node-02"],
  [N3, "ose-prod-node-03"],
]);
const action: GarpAction = { vip: "192.0.2.102", fromNode: "ose-prod-node-03", fromMac: N3, toNode: "ose-prod-node-02", toMac: N2, reason: "move" };

function router(name: string, entries: Record<string, string> | null, statics: string[] = []): ObservedRouter {
  if (entries === null) return { name, reading: null, error: "timeout" };
  return {
    name,
    reading: { router: name, entries: Object.entries(entries).map(([vip, mac]) => ({ vip, mac, static: statics.includes(vip) })) },
  };
}

/** A fake clock: sleeping advances it, so the deadline is reached without waiting. */
function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe("verifyActions", () => {
  it("verified once every readable router shows the target MAC, polling until then", async () => {
    const reads = [
      [router("core-s1", { "192.0.2.102": N3 }), router("core-s2", { "192.0.2.102": N2 })],
      [router("core-s1", { "192.0.2.102": N2 }), router("core-s2", { "192.0.2.102": N2 }), router("core-s3", null)],
    ];
    let calls = 0;
    const c = clock();
    const res = await verifyActions([action], {
      readRouters: async () => reads[Math.min(calls++, reads.length - 1)]!,
      timeoutMs: 5000,
      intervalMs: 100,
      macOwners: owners,
      ...c,
    });
    expect(res.get("192.0.2.102")).toEqual({ status: "verified" });
    expect(calls).toBe(2);
  });

  it("says which router still maps the VIP to which node", async () => {
    const c = clock();
    let calls = 0;
    const res = await verifyActions([action], {
      readRouters: async () => (calls++, [router("core-s1", { "192.0.2.102": N3 })]),
      timeoutMs: 1000,
      intervalMs: 200,
      macOwners: owners,
      ...c,
    });
    const r = res.get("192.0.2.102")!;
    expect(r.status).toBe("failed");
    expect(r.error).toContain("core-s1 still maps 192.0.2.102 to 00:1a:4a:48:be:4c (ose-prod-node-03)");
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThanOrEqual(7);
  });

  it("explains a missing entry, a static entry and an unknown MAC", async () => {
    const c = clock();
    const res = await verifyActions([action, { ...action, vip: "192.0.2.103" }, { ...action, vip: "192.0.2.101" }], {
      readRouters: async () => [
        router("core-s1", { "192.0.2.103": N3, "192.0.2.101": "02:00:00:00:00:99" }, ["192.0.2.103"]),
      ],
      timeoutMs: 0,
      intervalMs: 100,
      macOwners: owners,
      ...c,
    });
    expect(res.get("192.0.2.102")!.error).toMatch(/core-s1 has no ARP entry for 192\.0\.2\.102: .*arp_accept/);
    expect(res.get("192.0.2.103")!.error).toMatch(/static entry/);
    expect(res.get("192.0.2.101")!.error).toMatch(/02:00:00:00:00:99 \(unknown node\)/);
  });

  it("fails when no router can be read, or reading throws", async () => {
    const c = clock();
    const res = await verifyActions([action], {
      readRouters: async () => [router("core-s1", null)],
      timeoutMs: 0,
      intervalMs: 100,
      macOwners: owners,
      ...c,
    });
    expect(res.get("192.0.2.102")!.error).toMatch(/no router could be read.*core-s1: timeout/);
    const res2 = await verifyActions([action], {
      readRouters: async () => {
        throw new Error("boom");
      },
      timeoutMs: 0,
      intervalMs: 100,
      macOwners: owners,
      ...c,
    });
    expect(res2.get("192.0.2.102")!.error).toMatch(/could not be re-read: boom/);
  });

  it("nothing to verify reads nothing", async () => {
    let calls = 0;
    const res = await verifyActions([], { readRouters: async () => (calls++, []), timeoutMs: 0, intervalMs: 1, macOwners: owners });
    expect(res.size).toBe(0);
    expect(calls).toBe(0);
  });
});
