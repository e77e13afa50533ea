// The simulated node's command surface over real SSH: arping and ndptool move the simulated
// router's entries; anything that is not an exact known form touches nothing.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseArpingArgs, splitArgv } from "../../src/sim/arping-args.js";
import { normalizeIp } from "../../src/model/net.js";
import { NDPTOOL_USAGE, parseNdptoolArgs } from "../../src/sim/ndptool-args.js";
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

// ndptool: `send -t na -U` moves the simulated router's IPv6 neighbour entry with Linux semantics
// (an existing entry is overridden; a missing one is created only with accept_untracked_na;
// static entries stay); its errors are the real tool's words (libndp-tools 1.8, checked by hand).
const V6 = "2001:db8::101";
const N1_MAC = "00:1a:4a:48:be:4b";

describe("ndptool on a simulated node", () => {
  beforeEach(() => {
    const r = seg.router("core-s1");
    r.entries.set(V6, { mac: N1_MAC, static: false });
    r.acceptUntrackedNa = false;
    Object.assign(seg.node(N2), { hasNdptool: true, holds: new Set([V6]) });
    seg.naLog.length = 0;
  });

  it("an unsolicited NA overrides the router's existing entry and prints nothing, as the real one", async () => {
    expect(await conn.exec(`ndptool send -t na -U -i eth0 -T ${V6}`)).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(seg.routerMac("core-s1", V6)).toBe(N2_MAC);
    expect(seg.naLog.map((n) => [n.node, n.vip, n.mac])).toEqual([[N2, V6, N2_MAC]]);
  });

  it("long options, any order and a non-canonical target read the same", async () => {
    expect((await conn.exec("ndptool -U --target=2001:DB8:0::101 send --msg-type=na --ifname=eth0")).code).toBe(0);
    expect(seg.routerMac("core-s1", V6)).toBe(N2_MAC);
  });

  it("without -U the NA is solicited (no override flag): the router keeps its entry", async () => {
    expect((await conn.exec(`ndptool send -t na -i eth0 -T ${V6}`)).code).toBe(0);
    expect(seg.routerMac("core-s1", V6)).toBe(N1_MAC);
  });

  it("a missing entry is created only when the router accepts untracked NAs; a static one never moves", async () => {
    await conn.exec("ndptool send -t na -U -i eth0 -T 2001:db8::102");
    expect(seg.routerMac("core-s1", "2001:db8::102")).toBeUndefined();
    seg.router("core-s1").acceptUntrackedNa = true;
    await conn.exec("ndptool send -t na -U -i eth0 -T 2001:db8::102");
    expect(seg.routerMac("core-s1", "2001:db8::102")).toBe(N2_MAC);
    seg.router("core-s1").entries.get(V6)!.static = true;
    expect(seg.unsolicitedNa(N2, V6)).toEqual([{ router: "core-s1", effect: "static" }]);
    expect(seg.routerMac("core-s1", V6)).toBe(N1_MAC);
  });

  it("sends for a target the node does not hold, like the real tool (the planner keeps that rule)", async () => {
    seg.node(N2).holds = new Set();
    expect((await conn.exec(`ndptool send -t na -U -i eth0 -T ${V6}`)).code).toBe(0);
    expect(seg.routerMac("core-s1", V6)).toBe(N2_MAC);
  });

  it.each([
    ["ndptool send -t na -U -i eth9 -T 2001:db8::101", 'Interface "eth9" does not exist\n'],
    ["ndptool send -t na -U -i eth0 -T 198.51.100.1", 'Invalid target address "198.51.100.1"\n'],
    ["ndptool send -t na -U -i eth0 -T fe80::1%eth0", 'Invalid target address "fe80::1%eth0"\n'],
    ["ndptool -t na -U -i eth0 -T 2001:db8::101", "No command specified.\n"],
    ["ndptool send -t na -U -T 2001:db8::101", `Interface name must be selected\n${NDPTOOL_USAGE}\n`],
    ["ndptool send -U -i eth0 -T 2001:db8::101", `Message type must be selected\n${NDPTOOL_USAGE}\n`],
    ["ndptool send -t xx -U -i eth0 -T 2001:db8::101", `Invalid message type "xx" selected\n${NDPTOOL_USAGE}\n`],
    ["ndptool foo -t na -U -i eth0 -T 2001:db8::101", `Unknown command "foo"\n${NDPTOOL_USAGE}\n`],
    ["ndptool send -t na -U -i eth0 -T 2001:db8::101 -x", `ndptool: invalid option -- 'x'\nunknown option.\n${NDPTOOL_USAGE}\n`],
  ])("%s fails as the real ndptool does, touching nothing", async (command, stderr) => {
    expect(await conn.exec(command)).toEqual({ code: 1, stdout: "", stderr });
    expect(seg.routerMac("core-s1", V6)).toBe(N1_MAC);
    expect(seg.naLog).toEqual([]);
  });

  it("a node without ndptool answers command not found; command -v says the same", async () => {
    seg.node(N2).hasNdptool = false;
    expect(await conn.exec(`ndptool send -t na -U -i eth0 -T ${V6}`)).toEqual({ code: 127, stdout: "", stderr: "bash: ndptool: command not found\n" });
    expect((await conn.exec("command -v ndptool")).code).toBe(1);
    seg.node(N2).hasNdptool = true;
    expect(await conn.exec("command -v ndptool")).toEqual({ code: 0, stdout: "/usr/bin/ndptool\n", stderr: "" });
  });
});

describe("parseNdptoolArgs", () => {
  it("takes the executor's command in any option order, and nothing with a token it does not know", () => {
    expect(parseNdptoolArgs(splitArgv("ndptool send -t na -U -i eth0 -T 2001:db8::101"))).toEqual({ ok: true, args: { iface: "eth0", target: "2001:db8::101", unsolicited: true } });
    // The command's parts in any order (the optional ones sometimes left out), sometimes with
    // one stray token spliced in.
    const NEEDED = [["send"], ["-t", "na"], ["-i", "eth0"], ["-T", "2001:db8::101"]];
    const parts = fc.tuple(fc.subarray([["-U"], ["-v"]]), fc.nat()).chain(([extra, seed]) => fc.shuffledSubarray([...NEEDED, ...extra], { minLength: NEEDED.length + extra.length }).map((g) => (seed % 7 === 0 ? g.slice(1) : g)));
    const seen = reach("parsed", "refused");
    fc.assert(
      fc.property(parts, fc.option(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom("-x", "monitor", "--target=;id", "2001:db8::1::2", "-q"), fc.string({ maxLength: 6 }))), { nil: null }), (groups, stray) => {
        const tokens = groups.flat();
        if (stray) tokens.splice(stray[0] % (tokens.length + 1), 0, stray[1]);
        const r = parseNdptoolArgs(["ndptool", ...tokens]);
        if (!r.ok) return void seen.hit("refused");
        seen.hit("parsed");
        for (const need of ["send", "-t", "-i", "-T"]) expect(tokens).toContain(need);
        // What follows -i and -T, exactly: no stray token changes meaning silently.
        expect(r.args).toEqual({ iface: tokens[tokens.indexOf("-i") + 1], target: normalizeIp(tokens[tokens.indexOf("-T") + 1]!), unsolicited: tokens.includes("-U") });
      }),
      { numRuns: 400 },
    );
    seen.reached(20);
  });
});
