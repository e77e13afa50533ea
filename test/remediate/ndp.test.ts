// Repair of IPv6 VIPs: the ndptool command builder (the only place it is built), the executor
// choosing it by address family, and the whole path on the simulated segment: plan, one
// unsolicited NA per count from the chosen holder, verification on the router, a node without
// ndptool failing with what to install.
import { defaultRemediation } from "../../src/config/load.js";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/types.js";
import { silentLogger } from "../../src/log.js";
import { normalizeIp } from "../../src/model/net.js";
import type { CommandRunner, ExecResult, GarpAction } from "../../src/model/types.js";
import { executeActions } from "../../src/remediate/executor.js";
import { naCommands } from "../../src/remediate/ndp-command.js";
import { parseScenario } from "../../src/sim/scenario.js";
import { reach } from "../helpers/reach.js";
import { expectNoMetacharacterThrough, spliced } from "../helpers/shell-meta.js";
import { harness, MAC, TOKEN, type Harness } from "./helpers.js";

describe("naCommands", () => {
  it("builds one `ndptool send -t na -U` per NA: unsolicited, override set, the VIP as target", () => {
    expect(naCommands("2001:db8::101", "eth0", 3)).toEqual([
      "ndptool send -t na -U -i eth0 -T 2001:db8::101",
      "ndptool send -t na -U -i eth0 -T 2001:db8::101",
      "ndptool send -t na -U -i eth0 -T 2001:db8::101",
    ]);
    expect(naCommands("fd00:1::5", "bond0.100", 1)).toEqual(["ndptool send -t na -U -i bond0.100 -T fd00:1::5"]);
  });

  it.each([
    "2001:db8::101; reboot",
    "$(id)",
    "2001:DB8::101",
    "2001:db8:0:0::101",
    "fe80::1%eth0",
    "192.0.2.101",
    "::ffff:192.0.2.1",
    "-h",
    "",
    "2001:db8::/64",
  ])("refuses VIP %j (not an IPv6 address in RFC 5952 form)", (vip) => {
    expect(() => naCommands(vip, "eth0", 3)).toThrow(/^refusing to build ndptool command: VIP .* is not an IPv6 address in RFC 5952 form$/);
  });

  it.each(["eth0 && id", "eth0;id", "-i", "", "a234567890123456", ".."])("refuses interface %j", (iface) => {
    expect(() => naCommands("2001:db8::101", iface, 3)).toThrow(/not a valid interface name/);
  });

  it.each([0, 21, 2.5, -1, Number.NaN])("refuses count %s", (count) => {
    expect(() => naCommands("2001:db8::101", "eth0", count)).toThrow(/count/);
  });

  it("never lets a shell metacharacter through, whatever the input", () => {
    expectNoMetacharacterThrough(
      "ndptool",
      spliced(fc.ipV6().map((a) => normalizeIp(a) ?? a)),
      (vip, iface) => naCommands(vip, iface, 2),
      (vip, iface) => [`ndptool send -t na -U -i ${iface} -T ${vip}`, `ndptool send -t na -U -i ${iface} -T ${vip}`],
      9,
      reach("accepted", "refused with a metacharacter"),
    );
  });
});

describe("the executor picks the announcement by address family", () => {
  const config = (): Config => ({
    vips: ["192.0.2.101", "2001:db8::101"],
    nodes: [{ name: "n1", host: "127.0.0.1", port: 22, interface: "eth0", ssh: true }],
    routers: [],
    ssh: null,
    remediation: { ...defaultRemediation(), garpMode: "both", garpCount: 2, cooldownMs: 0, verifyTimeoutMs: 0, verifyIntervalMs: 0, maxBodyBytes: 1024, maxGarpRate: 100 },
    scrapeTimeoutMs: 1000,
    source: "<test>",
  });
  const act = (vip: string): GarpAction => ({ vip, fromNode: null, fromMac: null, toNode: "n1", toMac: "02:00:00:00:00:01", reason: "move" });
  class Recorder implements CommandRunner {
    commands: string[] = [];
    constructor(private readonly answer: (c: string) => ExecResult) {}
    async exec(command: string): Promise<ExecResult> {
      this.commands.push(command);
      return this.answer(command);
    }
    async close(): Promise<void> {}
  }

  it("arping for an IPv4 VIP (both forms), ndptool for an IPv6 VIP (garp_count NAs, garp_mode does not apply)", async () => {
    const r = new Recorder(() => ({ code: 0, stdout: "", stderr: "" }));
    const results = await executeActions([act("192.0.2.101"), act("2001:db8::101")], { config: config(), runner: () => r, log: silentLogger() });
    expect(results.map((x) => x.status)).toEqual(["sent", "sent"]);
    // The node's pacer may interleave the two actions' commands; each action's keep their order.
    expect(r.commands.filter((c) => c.startsWith("arping"))).toEqual(["arping -c 2 -A -I eth0 192.0.2.101", "arping -c 2 -U -I eth0 192.0.2.101"]);
    expect(r.commands.filter((c) => c.startsWith("ndptool"))).toEqual(["ndptool send -t na -U -i eth0 -T 2001:db8::101", "ndptool send -t na -U -i eth0 -T 2001:db8::101"]);
    expect(r.commands).toHaveLength(4);
  });

  it('a node without ndptool fails the action with "install libndp-tools (ndptool)" after the first try', async () => {
    const r = new Recorder((c) => (c.startsWith("ndptool") ? { code: 127, stdout: "", stderr: "bash: ndptool: command not found\n" } : { code: 0, stdout: "", stderr: "" }));
    const [v6] = await executeActions([act("2001:db8::101")], { config: config(), runner: () => r, log: silentLogger() });
    expect(v6).toMatchObject({ status: "failed", error: "ndptool not found on node n1: install libndp-tools (ndptool)" });
    expect(r.commands).toHaveLength(1);
  });

  it("an ndptool error is the action's error, quoting ndptool", async () => {
    const r = new Recorder(() => ({ code: 1, stdout: "", stderr: 'Interface "eth0" does not exist\n' }));
    const [v6] = await executeActions([act("2001:db8::101")], { config: config(), runner: () => r, log: silentLogger() });
    expect(v6).toMatchObject({ status: "failed", error: 'ndptool send -t na -U -i eth0 -T 2001:db8::101 on n1 exited 1: Interface "eth0" does not exist' });
  });

  it("arping refuses an IPv6 VIP outright (it cannot announce one)", async () => {
    const { garpCommands } = await import("../../src/remediate/arping-command.js");
    expect(() => garpCommands("2001:db8::101", "eth0", "both", 1)).toThrow(
      "refusing to build arping command: VIP 2001:db8::101 is IPv6, which ARP cannot announce (IPv6 VIPs are announced with ndptool)",
    );
  });
});

// ---------------------------------------------------------------------------
// On the simulated segment (SNMP agent and SSH nodes on 127.0.0.1).
// ---------------------------------------------------------------------------

const V6 = ["2001:db8:0:1::101", "2001:db8:0:1::102", "2001:db8:0:1::103"];
const SCENARIO = `
vips: [192.0.2.101, ${V6.join(", ")}]
nodes:
  - { name: ose-prod-node-01, address: 192.0.2.1, mac: "${MAC["ose-prod-node-01"]}", holds: [192.0.2.101, "${V6[0]}", "${V6[2]}"] }
  - { name: ose-prod-node-02, address: 192.0.2.2, mac: "${MAC["ose-prod-node-02"]}", holds: [192.0.2.101, "${V6[1]}", "${V6[2]}"] }
  - { name: ose-prod-node-03, address: 192.0.2.3, mac: "${MAC["ose-prod-node-03"]}", holds: ["${V6[0]}"] }
routers:
  - name: core-s1
    entries:
      192.0.2.101: "${MAC["ose-prod-node-01"]}"
      "${V6[0]}": "${MAC["ose-prod-node-01"]}"
      "${V6[1]}": "${MAC["ose-prod-node-01"]}"
      "${V6[2]}": "${MAC["ose-prod-node-01"]}"
`;

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function remediate(body: unknown = {}): Promise<{ status: number; json: { actions: { vip: string; to: { node: string }; status: string; error?: string }[] } }> {
  const res = await fetch(`${h!.url}/remediate`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as never };
}

describe("IPv6 repair on the simulated segment", () => {
  it("moves IPv6 VIPs with unsolicited NAs from holders only, verified on the router", async () => {
    h = await harness({ scenario: parseScenario(SCENARIO), remediation: { garpCount: 2 } });
    const { status, json } = await remediate();
    expect(status).toBe(200);
    // Four VIPs on node 1, which does not hold ::102: that one can only go to node 2 (its only
    // holder), and node 3's share can only be ::101 (the one VIP it holds). Never a non-holder.
    const moves = json.actions.map((a) => [a.vip, a.to.node, a.status, a.error]);
    expect(moves.sort()).toEqual([
      [V6[0], "ose-prod-node-03", "verified", undefined],
      [V6[1], "ose-prod-node-02", "verified", undefined],
    ]);
    // What went out: garp_count NAs per moved VIP, each from its target, nothing else.
    const log = h.sim.segment.naLog.map((n) => [n.node, n.vip]).sort();
    expect(log).toEqual(moves.flatMap(([vip, node]) => [[node, vip], [node, vip]]).sort());
    expect(h.sim.segment.garpLog).toEqual([]);
    for (const [vip, node] of moves) expect(h.sim.segment.routerMac("core-s1", vip!)).toBe(MAC[node as keyof typeof MAC]);
  });

  it("a node without ndptool: the action fails with what to install, and the router keeps its entry", async () => {
    const scenario = parseScenario(SCENARIO.replace(`name: ose-prod-node-02, address: 192.0.2.2,`, `name: ose-prod-node-02, address: 192.0.2.2, ndptool: false,`));
    h = await harness({ scenario, remediation: { garpCount: 1 } });
    const { json } = await remediate({ vips: [V6[1]] });
    expect(json.actions.map((a) => [a.vip, a.to.node, a.status, a.error])).toEqual([[V6[1], "ose-prod-node-02", "failed", "ndptool not found on node ose-prod-node-02: install libndp-tools (ndptool)"]]);
    expect(h.sim.segment.routerMac("core-s1", V6[1]!)).toBe(MAC["ose-prod-node-01"]);
  });

  it("a router without an entry for the IPv6 VIP: the NA cannot create it unless it accepts untracked NAs", async () => {
    const without = SCENARIO.replace(`      "${V6[2]}": "${MAC["ose-prod-node-01"]}"\n`, "");
    h = await harness({ scenario: parseScenario(without), remediation: { garpCount: 1, verifyTimeoutMs: 300 } });
    const first = await remediate({ vips: [V6[2]] });
    expect(first.json.actions).toHaveLength(1);
    expect(first.json.actions[0]!.status).toBe("failed");
    expect(first.json.actions[0]!.error).toMatch(/core-s1 has no neighbour entry for 2001:db8:0:1::103: an unsolicited neighbour advertisement only updates an existing entry unless the router accepts untracked ones \(Linux accept_untracked_na\)/);
    await h.close();
    h = await harness({ scenario: parseScenario(without.replace("  - name: core-s1\n", "  - name: core-s1\n    accept_untracked_na: true\n")), remediation: { garpCount: 1 } });
    const second = await remediate({ vips: [V6[2]] });
    expect(second.json.actions.map((a) => a.status)).toEqual(["verified"]);
    expect(h.sim.segment.routerMac("core-s1", V6[2]!)).toBe(MAC[second.json.actions[0]!.to.node as keyof typeof MAC]);
  });
});
