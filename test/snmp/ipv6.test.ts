// IPv6 VIPs over SNMP: ipNetToPhysicalTable rows indexed ifIndex.2.16.address, interface
// discovery through ipAddressTable's IPv6 rows, and a dual-stack router whose IPv4 VIPs keep
// reading ipNetToMediaTable. Decoders on their own, then the source against the simulated agent
// (real SNMP over UDP on 127.0.0.1).
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { SnmpRouterConfig } from "../../src/config/types.js";
import { silentLogger } from "../../src/log.js";
import { ipv6ToBytes, normalizeIp } from "../../src/model/net.js";
import { SimSegment } from "../../src/sim/segment.js";
import { startSnmpAgent, type SimSnmpAgent, type SnmpAgentOptions } from "../../src/sim/snmp-agent.js";
import { arpRowIndex, inetAddressFromSubids, inetAddressToSubids, parseArpRowIndex, prefixFromRowPointer } from "../../src/sources/snmp/decode.js";
import { interfaceFor, parseIpAddressTable } from "../../src/sources/snmp/discovery.js";
import { ASN, IP_ADDRESS_IF_INDEX, IP_ADDRESS_PREFIX } from "../../src/sources/snmp/oids.js";
import { createSnmpRouterSource, type SnmpRouterSourceOptions } from "../../src/sources/snmp/router-source.js";
import type { RouterSource } from "../../src/sources/types.js";
import { COMMUNITY, MAC1, MAC2, MAC3, ROUTER, snmpConfig } from "./helpers.js";

const V4 = ["192.0.2.101", "192.0.2.102"];
const V6 = ["2001:db8:0:1::101", "2001:db8:0:1::102"];

describe("IPv6 in OID indexes", () => {
  it("encodes an IPv6 ARP row as ifIndex.ipv6(2).16.address, and refuses one in ipNetToMediaTable", () => {
    expect(arpRowIndex("ipNetToPhysical", 2, "2001:db8:203:113::101")).toEqual([2, 2, 16, 32, 1, 13, 184, 2, 3, 1, 19, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(() => arpRowIndex("ipNetToMedia", 2, "2001:db8::1")).toThrow(/not an IPv4 address/);
  });

  it("reads the row index Debian's snmpd 5.9.3 serves for a Linux neighbour (captured)", () => {
    // .1.3.6.1.2.1.4.35.1.4.2.2.16.32.1.13.184.2.3.1.19.0.0.0.0.0.0.1.1 = Hex-STRING: 02 1A 4A 00 00 01
    const index = "2.2.16.32.1.13.184.2.3.1.19.0.0.0.0.0.0.1.1".split(".").map(Number);
    expect(parseArpRowIndex("ipNetToPhysical", index)).toEqual({ ifIndex: 2, ip: "2001:db8:203:113::101" });
    expect(parseArpRowIndex("ipNetToMedia", index)).toBeNull();
  });

  it("round-trips IPv4 and IPv6 addresses through InetAddress indexes, in normalizeIp form", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.array(fc.nat({ max: 300 }), { maxLength: 3 }), (ip, tail) => {
        const back = inetAddressFromSubids([...inetAddressToSubids(ip), ...tail]);
        expect(back).toEqual({ ip: normalizeIp(ip), rest: tail });
      }),
      { numRuns: 300 },
    );
  });
});

describe("ipAddressTable IPv6 rows", () => {
  // Captured from Debian's snmpd 5.9.3 in a namespace with 2001:db8:203:113::254/64 on eth0
  // (ifIndex 2) and the loopback: address rows and their ipAddressPrefix RowPointers.
  const B = "1.3.6.1.2.1.4.34.1";
  const real = {
    ifIndex: [
      { oid: `${B}.3.1.4.127.0.0.1`, type: ASN.Integer, value: 1 },
      { oid: `${B}.3.2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1`, type: ASN.Integer, value: 1 },
      { oid: `${B}.3.2.16.32.1.13.184.2.3.1.19.0.0.0.0.0.0.2.84`, type: ASN.Integer, value: 2 },
      { oid: `${B}.3.2.16.254.128.0.0.0.0.0.0.0.26.74.255.254.0.0.254`, type: ASN.Integer, value: 2 },
    ],
    prefix: [
      { oid: `${B}.5.1.4.127.0.0.1`, type: ASN.OID, value: "1.3.6.1.2.1.4.32.1.5.1.1.4.127.0.0.0.8" },
      { oid: `${B}.5.2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1`, type: ASN.OID, value: "1.3.6.1.2.1.4.32.1.5.1.2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.128" },
      { oid: `${B}.5.2.16.32.1.13.184.2.3.1.19.0.0.0.0.0.0.2.84`, type: ASN.OID, value: "1.3.6.1.2.1.4.32.1.5.2.2.16.32.1.13.184.2.3.1.19.0.0.0.0.0.0.0.0.64" },
      { oid: `${B}.5.2.16.254.128.0.0.0.0.0.0.0.26.74.255.254.0.0.254`, type: ASN.OID, value: "1.3.6.1.2.1.4.32.1.5.2.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.0.64" },
    ],
  };

  it("joins both families' addresses with their prefix lengths", () => {
    expect(IP_ADDRESS_IF_INDEX).toBe(`${B}.3`);
    expect(IP_ADDRESS_PREFIX).toBe(`${B}.5`);
    expect(parseIpAddressTable(real.ifIndex, real.prefix)).toEqual([
      { address: "127.0.0.1", prefixLength: 8, ifIndex: 1 },
      { address: "::1", prefixLength: 128, ifIndex: 1 },
      { address: "2001:db8:203:113::254", prefixLength: 64, ifIndex: 2 },
      { address: "fe80::1a:4aff:fe00:fe", prefixLength: 64, ifIndex: 2 },
    ]);
  });

  it("places an IPv6 VIP on the most specific IPv6 subnet only, never on an IPv4 one", () => {
    const addrs = [
      ...parseIpAddressTable(real.ifIndex, real.prefix),
      { address: "2001:db8:203::1", prefixLength: 48, ifIndex: 7 },
      { address: "0.0.0.0", prefixLength: 0, ifIndex: 9 },
      { address: "::", prefixLength: 0, ifIndex: 9 },
    ];
    expect(interfaceFor("2001:db8:203:113::101", addrs)).toBe(2);
    expect(interfaceFor("2001:db8:203:114::1", addrs)).toBe(7);
    expect(interfaceFor("2001:db8:204::1", addrs)).toBeNull(); // a default route is no attached subnet
    expect(interfaceFor("127.0.0.5", addrs)).toBe(1);
  });

  it("reads IPv6 prefix lengths up to 128 and refuses longer ones for IPv6, and more than 32 for IPv4", () => {
    const vb = (p: number) => ({ oid: "x", type: ASN.OID, value: `1.3.6.1.2.1.4.32.1.5.2.2.16.${"0.".repeat(16)}${p}` });
    expect(prefixFromRowPointer(vb(128), 128)).toBe(128);
    expect(prefixFromRowPointer(vb(129), 128)).toBeNull();
    expect(prefixFromRowPointer(vb(64))).toBeNull(); // the IPv4 default: at most 32
  });
});

// ---------------------------------------------------------------------------
// Against the simulated agent.
// ---------------------------------------------------------------------------

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

/** Two IPv4 and two IPv6 VIPs, all on nodes 1 and 3; node 2 holds them too. */
function dualStack(): SimSegment {
  const seg = new SimSegment([...V4, ...V6]);
  for (const [name, mac] of [["n1", MAC1], ["n2", MAC2], ["n3", MAC3]] as const) {
    seg.addNode({ name, address: "192.0.2.1", interface: "eth0", mac, holds: new Set([...V4, ...V6]), up: true, hasArping: true });
  }
  seg.addRouter({
    name: ROUTER,
    arpAccept: false,
    ignores: "none",
    entries: new Map([
      [V4[0]!, { mac: MAC1, static: false }],
      [V4[1]!, { mac: MAC3, static: false }],
      [V6[0]!, { mac: MAC1, static: false }],
      [V6[1]!, { mac: MAC3, static: true }],
    ]),
    community: COMMUNITY,
    ifIndex: 2,
    ifName: "eth0",
    address: "192.0.2.254",
    prefixLength: 24,
    address6: "2001:db8:0:1::fe",
    prefixLength6: 64,
    up: true,
  });
  return seg;
}

async function agentFor(seg: SimSegment, opts?: SnmpAgentOptions): Promise<SimSnmpAgent> {
  const agent = await startSnmpAgent(seg, ROUTER, opts);
  cleanups.push(() => agent.close());
  return agent;
}

function sourceFor(agent: SimSnmpAgent, over: Partial<SnmpRouterConfig> = {}, opts?: SnmpRouterSourceOptions): RouterSource {
  const src = createSnmpRouterSource(snmpConfig(agent.port, over), silentLogger(), opts);
  cleanups.push(() => src.close());
  return src;
}

async function requests<T>(agent: SimSnmpAgent, fn: () => Promise<T>): Promise<{ value: T; requests: number }> {
  const before = agent.requests();
  const value = await fn();
  return { value, requests: agent.requests() - before };
}

const macs = (r: { entries: { vip: string; mac: string }[] }) => Object.fromEntries(r.entries.map((e) => [e.vip, e.mac]));

describe("a dual-stack router over SNMP", () => {
  it.each(["auto", "ipNetToMedia", "ipNetToPhysical"] as const)("reads IPv4 and IPv6 entries together (table: %s), static marked", async (table) => {
    const agent = await agentFor(dualStack());
    const reading = await sourceFor(agent, { table }).read([...V4, ...V6]);
    expect(reading.entries).toEqual([
      { vip: V4[0], mac: MAC1, static: false, interface: "2" },
      { vip: V4[1], mac: MAC3, static: false, interface: "2" },
      { vip: V6[0], mac: MAC1, static: false, interface: "2" },
      { vip: V6[1], mac: MAC3, static: true, interface: "2" },
    ]);
  });

  it("after discovery a read is one GET per table: ipNetToMedia for IPv4 (auto), ipNetToPhysical for IPv6", async () => {
    const agent = await agentFor(dualStack());
    const src = sourceFor(agent);
    await src.read([...V4, ...V6]);
    expect((await requests(agent, () => src.read([...V4, ...V6]))).requests).toBe(2);
    expect((await requests(agent, () => src.read(V6))).requests).toBe(1);
  });

  it("keeps IPv4 VIPs on ipNetToMediaTable where Debian's ipNetToPhysicalTable goes stale; IPv6 ones have no other table", async () => {
    const seg = dualStack();
    const agent = await agentFor(seg, { stalePhysicalTable: true });
    const src = sourceFor(agent);
    await src.read([...V4, ...V6]);
    seg.garp("n2", V4[1]!, "request");
    seg.unsolicitedNa("n2", V6[0]!);
    const after = macs(await src.read([...V4, ...V6]));
    expect(after[V4[1]!]).toBe(MAC2);
    expect(after[V6[0]!]).toBe(MAC1); // the stale table: what docs/lab.md says of snmpd 5.9.3
    // snmpd copies only the first byte of a changed MAC: "half-updated" when that byte differs.
    seg.router(ROUTER).entries.get(V6[0]!)!.mac = "02:00:00:00:00:99";
    expect(macs(await src.read(V6))[V6[0]!]).toBe("02:1a:4a:48:be:4b");
  });

  it("sees an unsolicited NA applied to the segment on the next read", async () => {
    const seg = dualStack();
    const agent = await agentFor(seg);
    const src = sourceFor(agent, { table: "ipNetToPhysical" });
    expect(macs(await src.read(V6))).toEqual({ [V6[0]!]: MAC1, [V6[1]!]: MAC3 });
    expect(seg.unsolicitedNa("n2", V6[0]!).map((r) => r.effect)).toEqual(["updated"]);
    expect(seg.unsolicitedNa("n2", V6[1]!).map((r) => r.effect)).toEqual(["static"]);
    expect(macs(await src.read(V6))).toEqual({ [V6[0]!]: MAC2, [V6[1]!]: MAC3 });
  });

  it("leaves out an IPv6 VIP without an entry (noSuchInstance) and never asks ipNetToMediaTable for one", async () => {
    const agent = await agentFor(dualStack(), { arpTables: "both" });
    const reading = await sourceFor(agent, { table: "ipNetToMedia" }).read([...V6, "2001:db8:0:1::109"]);
    expect(reading.entries.map((e) => e.vip)).toEqual(V6);
    expect(reading.unreadable).toBeUndefined();
  });

  it("an agent without ipNetToPhysicalTable fails a read of IPv6 VIPs with the view to add, never 'no entry'", async () => {
    const agent = await agentFor(dualStack(), { arpTables: "ipNetToMedia" });
    const src = sourceFor(agent, { table: "auto" });
    expect(macs(await src.read(V4))).toEqual({ [V4[0]!]: MAC1, [V4[1]!]: MAC3 });
    await expect(src.read([...V4, ...V6])).rejects.toThrow(
      /does not show ipNetToPhysicalTable \(1\.3\.6\.1\.2\.1\.4\.35\) to this community .*IPv6 VIPs are read from it only.*"view VIEW included \.1\.3\.6\.1\.2\.1\.4\.34"/,
    );
  });

  it("without IPv6 rows in ipAddressTable the IPv6 VIPs are found by walking ipNetToPhysicalTable", async () => {
    const agent = await agentFor(dualStack(), { addressTables: "ipAddrTable" });
    const src = sourceFor(agent);
    expect(macs(await src.read([...V4, ...V6]))).toEqual({ [V4[0]!]: MAC1, [V4[1]!]: MAC3, [V6[0]!]: MAC1, [V6[1]!]: MAC3 });
  });

  it("skips a malformed IPv6 row, counts it and reports that VIP unknown", async () => {
    const seg = dualStack();
    const agent = await agentFor(seg);
    seg.router(ROUTER).fault = "one-bad-row";
    const src = sourceFor(agent, { table: "ipNetToPhysical" });
    const reading = await src.read(V6);
    expect(reading.entries).toEqual([{ vip: V6[1], mac: MAC3, static: true, interface: "2" }]);
    expect(reading.unreadable).toEqual([
      { vip: V6[0], reason: `ipNetToPhysical row 1.3.6.1.2.1.4.35.1.4.2.2.16.${ipv6ToBytes(V6[0]!)!.join(".")}: physAddress is 5 bytes, expected 6` },
    ]);
    expect(src.malformedRows?.()).toBe(1);
  });

  it("a restricted view fails the read of IPv6 VIPs as it does for IPv4", async () => {
    const seg = dualStack();
    seg.router(ROUTER).fault = "restricted-view";
    const agent = await agentFor(seg);
    await expect(sourceFor(agent).read(V6)).rejects.toThrow(/does not show ipNetToPhysicalTable/);
  });
});
