// A VRF's ARP table over SNMP: an SNMPv3 context (routers[].v3.context, as Cisco and Juniper
// serve per-VRF tables), and for v2c Cisco's `community@context` form, against the simulated
// agent serving a context.
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { silentLogger } from "../../src/log.js";
import { startSnmpAgent, type SimSnmpAgent } from "../../src/sim/snmp-agent.js";
import { createSnmpRouterSource } from "../../src/sources/snmp/router-source.js";
import type { RouterSource } from "../../src/sources/types.js";
import { MAC1, MAC2, MAC3, ROUTER, V3_USER, VIPS, exampleSegment, snmpConfig } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

const VRF_ROUTER = "core-s1-vrf-prod";

/** core-s1's agent: the DESIGN example in the default context, and context "vrf-prod" showing the VRF's table (every VIP on node 2). */
async function routerWithVrf(): Promise<{ agent: SimSnmpAgent }> {
  const seg = exampleSegment();
  const base = seg.router(ROUTER);
  seg.addRouter({
    ...base,
    name: VRF_ROUTER,
    entries: new Map(VIPS.map((v) => [v, { mac: MAC2, static: false }])),
  });
  const agent = await startSnmpAgent(seg, ROUTER, { v3User: V3_USER, contexts: { "vrf-prod": VRF_ROUTER } });
  cleanups.push(() => agent.close());
  return { agent };
}

function source(port: number, over: Parameters<typeof snmpConfig>[1]): RouterSource {
  const src = createSnmpRouterSource(snmpConfig(port, { timeoutMs: 1000, retries: 0, ...over }), silentLogger());
  cleanups.push(() => src.close());
  return src;
}

const macs = async (src: RouterSource) => Object.fromEntries((await src.read(VIPS)).entries.map((e) => [e.vip, e.mac]));

describe("SNMPv3 context", () => {
  it("reads the context's table with v3.context, the default table without", async () => {
    const { agent } = await routerWithVrf();
    expect(await macs(source(agent.port, { version: 3, community: "", v3: V3_USER }))).toEqual({ "192.0.2.101": MAC1, "192.0.2.102": MAC3, "192.0.2.103": MAC3 });
    expect(await macs(source(agent.port, { version: 3, community: "", v3: { ...V3_USER, context: "vrf-prod" } }))).toEqual({
      "192.0.2.101": MAC2,
      "192.0.2.102": MAC2,
      "192.0.2.103": MAC2,
    });
  });

  it("a context the agent does not serve is an error, never an empty table", async () => {
    const { agent } = await routerWithVrf();
    // net-snmp's agent does not answer an unknown context at all (a real one sends a report): either way the read fails.
    await expect(source(agent.port, { version: 3, community: "", v3: { ...V3_USER, context: "vrf-none" } }).read(VIPS)).rejects.toThrow(
      /^SNMP request to 127\.0\.0\.1:\d+ timed out after 1000ms: check address, SNMPv3 user, auth\/priv keys and ACL$/,
    );
  });

  it("v2c: Cisco's community@context is sent as written", async () => {
    const seg = exampleSegment();
    seg.router(ROUTER).community = "s3cret-ro@vlan100";
    const agent = await startSnmpAgent(seg, ROUTER);
    cleanups.push(() => agent.close());
    expect(await macs(source(agent.port, { community: "s3cret-ro@vlan100" }))).toEqual({ "192.0.2.101": MAC1, "192.0.2.102": MAC3, "192.0.2.103": MAC3 });
    // The plain community is another one: the agent drops it, as Cisco does.
    await expect(source(agent.port, { community: "s3cret-ro", timeoutMs: 300, retries: 0 }).read(VIPS)).rejects.toThrow(/timed out after 300ms/);
  });

  it("the config takes v3.context and refuses one that is not a context name", () => {
    const yaml = (ctx: string) => `
vips: [198.51.100.101]
nodes: [{ name: n1, address: 198.51.100.1, mac: "02:00:00:00:00:01" }]
routers:
  - { name: r, type: snmp, address: 198.51.100.254, version: 3, v3: { user: u, level: noAuthNoPriv, context: ${ctx} } }
`;
    const c = parseConfig(yaml("vrf-PROD"), { source: "x.yml", env: {} });
    expect(c.routers[0]).toMatchObject({ type: "snmp", version: 3, v3: { user: "u", context: "vrf-PROD" } });
    expect(() => parseConfig(yaml('"vrf prod"'), { source: "x.yml", env: {} })).toThrow(
      "routers[0].v3.context: must be 1-32 printable ASCII characters (the SNMPv3 contextName, e.g. vlan-100 or vrf-PROD)",
    );
  });
});
