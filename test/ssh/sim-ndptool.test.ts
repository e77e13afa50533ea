// ndptool on a simulated node over real SSH: `ndptool send -t na -U` moves the simulated
// router's IPv6 neighbour entry with Linux semantics (an existing entry is overridden; a missing
// one is created only with accept_untracked_na; static entries stay), and its errors are the
// real tool's words (libndp-tools 1.8, checked by hand in a namespace).
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { normalizeIp } from "../../src/model/net.js";
import { NDPTOOL_USAGE, parseNdptoolArgs } from "../../src/sim/ndptool-args.js";
import { splitArgv } from "../../src/sim/arping-args.js";
import type { SimSegment } from "../../src/sim/segment.js";
import type { SimSshNode } from "../../src/sim/ssh-node.js";
import type { SshConnection } from "../../src/sources/ssh/connection.js";
import { reach } from "../helpers/reach.js";
import { connect, exampleSegment, keys, settingsFor, startNode } from "./helpers.js";

const N2 = "ose-prod-node-02";
const N2_MAC = "00:1a:4a:48:be:ef";
const N1_MAC = "00:1a:4a:48:be:4b";
const V6 = "2001:db8::101";

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
beforeEach(() => {
  const r = seg.router("core-s1");
  r.entries.set(V6, { mac: N1_MAC, static: false });
  r.entries.delete("2001:db8::102");
  r.acceptUntrackedNa = false;
  Object.assign(seg.node(N2), { hasNdptool: true, holds: new Set([V6]) });
  seg.naLog.length = 0;
});
afterEach(() => {
  node.commands.length = 0;
});

describe("ndptool on a simulated node", () => {
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
    // The command's parts shuffled (some dropped), sometimes with one stray token spliced in.
    const GROUPS = [["send"], ["-t", "na"], ["-U"], ["-i", "eth0"], ["-T", "2001:db8::101"], ["-v"]];
    const seen = reach("parsed", "refused");
    fc.assert(
      fc.property(fc.shuffledSubarray(GROUPS, { minLength: 3 }), fc.option(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom("-x", "monitor", "--target=;id", "2001:db8::1::2", "-q"), fc.string({ maxLength: 6 }))), { nil: null }), (groups, stray) => {
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
