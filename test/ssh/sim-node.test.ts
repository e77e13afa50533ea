// The simulated node's command surface over real SSH: arping moves the simulated router's
// entries; anything that is not an exact known form touches nothing.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseArpingArgs, splitArgv } from "../../src/sim/arping-args.js";
import type { SimSegment } from "../../src/sim/segment.js";
import type { SimSshNode } from "../../src/sim/ssh-node.js";
import type { SshConnection } from "../../src/sources/ssh/connection.js";
import { connect, exampleSegment, keys, settingsFor, startNode } from "./helpers.js";
import { reach } from "../helpers/reach.js";

const N2 = "ose-prod-node-02"; // MAC 00:1a:4a:48:be:ef, owns nothing in the example
const N2_MAC = "00:1a:4a:48:be:ef";

let seg: SimSegment;
let node: SimSshNode;
let conn: SshConnection;

beforeAll(async () => {
  seg = exampleSegment();
  node = await startNode(seg, N2);
  conn = connect(N2, node.port, settingsFor([{ port: node.port, publicKey: keys.hostKeys[N2]!.publicKey }]));
});
afterAll(async () => {
  await conn.close();
  await node.close();
});

/** Restores the example router table and node state between tests. */
beforeEach(() => {
  const fresh = exampleSegment();
  const r = seg.router("core-s1");
  r.entries = fresh.router("core-s1").entries;
  r.ignores = "none";
  r.arpAccept = false;
  Object.assign(seg.node(N2), { holds: new Set(fresh.node(N2).holds), hasArping: true, up: true });
  seg.garpLog.length = 0;
});
afterEach(() => {
  node.commands.length = 0;
});

const routerMac = (vip: string) => seg.routerMac("core-s1", vip);

describe("arping on a simulated node", () => {
  it("-A (gratuitous reply) moves the router entry and prints iputils-like output", async () => {
    const r = await conn.exec("arping -c 2 -A -I eth0 192.0.2.102");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("ARPING 192.0.2.102 from 192.0.2.102 eth0\nSent 2 probes (2 broadcast(s))\nReceived 0 response(s)\n");
    expect(routerMac("192.0.2.102")).toBe(N2_MAC);
    expect(seg.garpLog.map(({ at: _at, ...g }) => g)).toEqual([
      { node: N2, vip: "192.0.2.102", form: "reply", mac: N2_MAC },
      { node: N2, vip: "192.0.2.102", form: "reply", mac: N2_MAC },
    ]);
  });

  it("keeps arping's timing when the node has an interval: first packet at once, -c N returns after N-1 intervals", async () => {
    seg.node(N2).arpingIntervalMs = 500;
    try {
      const sent = () => seg.garpLog.filter((g) => g.vip === "192.0.2.101");
      let returned = false;
      const pending = conn.exec("arping -c 3 -U -I eth0 192.0.2.101").finally(() => (returned = true));
      // The first packet goes out while the command is still running.
      for (let i = 0; i < 1000 && sent().length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(sent()).toHaveLength(1);
      expect(returned).toBe(false);
      const r = await pending;
      expect(r.code).toBe(0);
      const at = sent().map((g) => g.at);
      expect(at).toHaveLength(3);
      // Lower bounds only: timers never fire early.
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(499);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(499);
    } finally {
      seg.node(N2).arpingIntervalMs = 0;
    }
  });

  it("-U (gratuitous request) with -q and -w moves the entry silently", async () => {
    const r = await conn.exec("arping -q -w 5 -c 1 -U -I eth0 192.0.2.103");
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(routerMac("192.0.2.103")).toBe(N2_MAC);
    expect(seg.garpLog.map((g) => g.form)).toEqual(["request"]);
  });

  it("a router that ignores replies keeps its entry for -A and takes -U", async () => {
    seg.router("core-s1").ignores = "reply";
    expect((await conn.exec("arping -c 1 -A -I eth0 192.0.2.102")).code).toBe(0);
    expect(routerMac("192.0.2.102")).toBe("00:1a:4a:48:be:4c");
    expect((await conn.exec("arping -c 1 -U -I eth0 192.0.2.102")).code).toBe(0);
    expect(routerMac("192.0.2.102")).toBe(N2_MAC);
  });

  it("a router that ignores requests keeps its entry for -U and takes -A", async () => {
    seg.router("core-s1").ignores = "request";
    await conn.exec("arping -c 1 -U -I eth0 192.0.2.101");
    expect(routerMac("192.0.2.101")).toBe("00:1a:4a:48:be:4b");
    await conn.exec("arping -c 1 -A -I eth0 192.0.2.101");
    expect(routerMac("192.0.2.101")).toBe(N2_MAC);
  });

  it("refuses a VIP the node does not hold, as iputils' bind does", async () => {
    seg.node(N2).holds.delete("192.0.2.102");
    const r = await conn.exec("arping -c 1 -A -I eth0 192.0.2.102");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Cannot assign requested address");
    expect(seg.garpLog).toEqual([]);
  });

  it("refuses another interface", async () => {
    const r = await conn.exec("arping -c 1 -A -I eth1 192.0.2.102");
    expect(r).toMatchObject({ code: 2, stderr: "arping: Device eth1 not available.\n" });
    expect(seg.garpLog).toEqual([]);
  });

  it.each([
    "arping -c 1 -A -I eth0 192.0.2.101; reboot",
    "arping -c 1 -A -I eth0 192.0.2.101 ; reboot",
    "arping -c 1 -A -I eth0 192.0.2.101 && id",
    "arping -c 1 -A -I eth0 $(reboot)",
    "arping -c 1 -A -I 'eth0' 192.0.2.101",
    "arping -c 1 -A -U -I eth0 192.0.2.101",
    "arping -c 0 -A -I eth0 192.0.2.101",
    "arping -c 1000 -A -I eth0 192.0.2.101",
    "arping -c4 -A -I eth0 192.0.2.101",
    "arping -A -I eth0 192.0.2.101",
    "arping -c 1 -I eth0 192.0.2.101",
    "arping -c 1 -A 192.0.2.101",
    "arping -c 1 -A -I eth0",
    "arping -c 1 -A -I eth0 192.0.2.101 192.0.2.102",
    "arping -c 1 -A -I eth0 192.0.2.0101",
    "arping -c 1 -A -I eth0 2001:db8::1",
    "arping -c 1 -A -s 192.0.2.101 -I eth0 192.0.2.101",
  ])("rejects %j with usage, exit 2, without touching the segment", async (cmd) => {
    const r = await conn.exec(cmd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage: arping");
    expect(seg.garpLog).toEqual([]);
    expect(routerMac("192.0.2.101")).toBe("00:1a:4a:48:be:4b");
  });

  it("a node without arping answers command not found", async () => {
    seg.node(N2).hasArping = false;
    expect(await conn.exec("arping -c 1 -A -I eth0 192.0.2.102")).toEqual({ code: 127, stdout: "", stderr: "bash: arping: command not found\n" });
    expect(await conn.exec("command -v arping")).toEqual({ code: 1, stdout: "", stderr: "" });
    expect(seg.garpLog).toEqual([]);
  });

  it("command -v arping finds it on a node that has it", async () => {
    expect(await conn.exec("command -v arping")).toEqual({ code: 0, stdout: "/usr/sbin/arping\n", stderr: "" });
  });

  it("anything unknown is exit 127 and is recorded", async () => {
    const r = await conn.exec("reboot");
    expect(r).toEqual({ code: 127, stdout: "", stderr: "bash: reboot: command not found\n" });
    expect((await conn.exec("ip addr show dev eth0")).code).toBe(127);
    expect(node.commands).toEqual(["reboot", "ip addr show dev eth0"]);
  });
});

describe("parseArpingArgs", () => {
  it("accepts the executor's forms in any option order", () => {
    expect(parseArpingArgs(splitArgv("arping -c 4 -A -I eth0 192.0.2.102"))).toEqual({
      ok: true,
      args: { count: 4, form: "reply", iface: "eth0", vip: "192.0.2.102", quiet: false, deadlineSeconds: null },
    });
    expect(parseArpingArgs(splitArgv("/usr/sbin/arping -I bond0.100 -U -q -w 3 -c 1 198.51.100.7"))).toMatchObject({
      ok: true,
      args: { count: 1, form: "request", iface: "bond0.100", quiet: true, deadlineSeconds: 3 },
    });
  });

  it("never accepts a token with shell metacharacters, whatever is appended", () => {
    // Harmless tails too, so that the "parses and stays exact" branch is reached (counted).
    const tailArb = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("", " ", " -q", " -w 3", " -q -w 1"));
    const seen = reach("parsed", "metacharacter");
    fc.assert(
      fc.property(tailArb, (tail) => {
        const r = parseArpingArgs(splitArgv(`arping -c 1 -A -I eth0 192.0.2.101${tail}`));
        // only harmless tails (spaces, "-q", "-w N") can parse, and then the args are still exact
        if (r.ok) {
          seen.hit("parsed");
          expect(r.args).toMatchObject({ vip: "192.0.2.101", iface: "eth0", count: 1, form: "reply" });
        }
        if (/[;&|$`<>()'"\\]/.test(tail)) {
          seen.hit("metacharacter");
          expect(r.ok).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
    seen.reached(10);
  });
});
