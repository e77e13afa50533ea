// The SNMP router source against the simulated router's agent: real SNMP over UDP on 127.0.0.1.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { SnmpRouterConfig } from "../../src/config/types.js";
import { silentLogger } from "../../src/log.js";
import type { SimSegment } from "../../src/sim/segment.js";
import { startSnmpAgent, type SimSnmpAgent, type SnmpAgentOptions } from "../../src/sim/snmp-agent.js";
import { ASN } from "../../src/sources/snmp/oids.js";
import { createSnmpRouterSource, type SnmpRouterSourceOptions } from "../../src/sources/snmp/router-source.js";
import type { SnmpClient } from "../../src/sources/snmp/session.js";
import type { RouterSource } from "../../src/sources/types.js";
import { MAC1, MAC2, MAC3, ROUTER, V3_USER, VIPS, exampleSegment, snmpConfig } from "./helpers.js";

const TABLES = ["ipNetToMedia", "ipNetToPhysical", "auto"] as const;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

async function agentFor(seg: SimSegment, opts?: SnmpAgentOptions): Promise<SimSnmpAgent> {
  const agent = await startSnmpAgent(seg, ROUTER, opts);
  cleanups.push(() => agent.close());
  return agent;
}

function sourceFor(
  agent: SimSnmpAgent,
  over: Partial<SnmpRouterConfig> = {},
  opts?: SnmpRouterSourceOptions,
  log = silentLogger(),
): RouterSource {
  const src = createSnmpRouterSource(snmpConfig(agent.port, over), log, opts);
  cleanups.push(() => src.close());
  return src;
}

/** Runs fn and returns how many SNMP messages the agent received meanwhile. */
async function cost<T>(agent: SimSnmpAgent, fn: () => Promise<T>): Promise<{ value: T; requests: number }> {
  const before = agent.requests();
  const value = await fn();
  return { value, requests: agent.requests() - before };
}

const macs = (r: { entries: { vip: string; mac: string }[] }) => Object.fromEntries(r.entries.map((e) => [e.vip, e.mac]));
const EXAMPLE = { "192.0.2.101": MAC1, "192.0.2.102": MAC3, "192.0.2.103": MAC3 };

describe("reading the DESIGN.md example", () => {
  it.each(TABLES)("reads every VIP entry from %s", async (table) => {
    const agent = await agentFor(exampleSegment());
    const reading = await sourceFor(agent, { table }).read(VIPS);
    expect(reading.router).toBe(ROUTER);
    expect(reading.entries).toEqual([
      { vip: "192.0.2.101", mac: MAC1, static: false, interface: "2" },
      { vip: "192.0.2.102", mac: MAC3, static: false, interface: "2" },
      { vip: "192.0.2.103", mac: MAC3, static: false, interface: "2" },
    ]);
  });

  it.each(TABLES)("sees a GARP applied to the segment on the next read (%s)", async (table) => {
    const seg = exampleSegment();
    const agent = await agentFor(seg);
    const src = sourceFor(agent, { table });
    expect(macs(await src.read(VIPS))).toEqual(EXAMPLE);
    expect(seg.garp("ose-prod-node-02", "192.0.2.102", "reply").map((r) => r.effect)).toEqual(["updated"]);
    expect(macs(await src.read(VIPS))).toEqual({ ...EXAMPLE, "192.0.2.102": MAC2 });
  });

  it.each(TABLES)("marks a static entry (%s)", async (table) => {
    const seg = exampleSegment();
    seg.router(ROUTER).entries.get("192.0.2.103")!.static = true;
    const agent = await agentFor(seg);
    const reading = await sourceFor(agent, { table }).read(VIPS);
    expect(reading.entries.map((e) => [e.vip, e.static])).toEqual([
      ["192.0.2.101", false],
      ["192.0.2.102", false],
      ["192.0.2.103", true],
    ]);
  });

  it.each(TABLES)("leaves out a VIP without an entry, an all-zero MAC and non-IPv4 VIPs (%s)", async (table) => {
    const seg = exampleSegment();
    seg.router(ROUTER).entries.set("192.0.2.104", { mac: "00:00:00:00:00:00", static: false });
    const agent = await agentFor(seg);
    const reading = await sourceFor(agent, { table }).read([...VIPS, "192.0.2.104", "192.0.2.109", "2001:db8::1"]);
    expect(macs(reading)).toEqual(EXAMPLE);
  });

  it("returns nothing for an empty VIP list without asking the agent", async () => {
    const agent = await agentFor(exampleSegment());
    const { value, requests } = await cost(agent, () => sourceFor(agent).read([]));
    expect(value.entries).toEqual([]);
    expect(requests).toBe(0);
  });
});

describe("table choice", () => {
  it("auto prefers ipNetToMediaTable, which stays right where ipNetToPhysicalTable goes stale", async () => {
    const seg = exampleSegment();
    const agent = await agentFor(seg, { stalePhysicalTable: true });
    const auto = sourceFor(agent, { table: "auto" });
    const physical = sourceFor(agent, { table: "ipNetToPhysical" });
    await auto.read(VIPS);
    await physical.read(VIPS);
    seg.garp("ose-prod-node-02", "192.0.2.102", "request");
    expect(macs(await auto.read(VIPS))["192.0.2.102"]).toBe(MAC2);
    expect(macs(await physical.read(VIPS))["192.0.2.102"]).toBe(MAC3); // the stale table
  });

  it("auto uses ipNetToPhysicalTable when the agent has no ipNetToMediaTable", async () => {
    const agent = await agentFor(exampleSegment(), { arpTables: "ipNetToPhysical" });
    expect(macs(await sourceFor(agent, { table: "auto" }).read(VIPS))).toEqual(EXAMPLE);
    // The forced table really is read: the agent has no rows there, which is an error, not "no entries".
    await expect(sourceFor(agent, { table: "ipNetToMedia" }).read(VIPS)).rejects.toThrow(/does not show ipNetToMediaTable \(1\.3\.6\.1\.2\.1\.4\.22\) to this community/);
  });
});

describe("cost does not grow with the ARP table", () => {
  it("reads 3 VIPs with the same small number of requests with 0 and 5000 background entries", async () => {
    const costs: { first: number; steady: number; withMissing: number }[] = [];
    for (const backgroundEntries of [0, 5000]) {
      const agent = await agentFor(exampleSegment(), { backgroundEntries });
      const src = sourceFor(agent);
      const first = await cost(agent, () => src.read(VIPS));
      const steady = await cost(agent, () => src.read(VIPS));
      const withMissing = await cost(agent, () => src.read([...VIPS, "192.0.2.109"]));
      expect(macs(first.value)).toEqual(EXAMPLE);
      expect(macs(steady.value)).toEqual(EXAMPLE);
      expect(macs(withMissing.value)).toEqual(EXAMPLE);
      costs.push({ first: first.requests, steady: steady.requests, withMissing: withMissing.requests });
    }
    expect(costs[1]).toEqual(costs[0]);
    expect(costs[0]!.first).toBeLessThanOrEqual(4); // discovery (3) + one GET
    expect(costs[0]!.steady).toBe(1); // exactly the VIP rows, in one GET
    expect(costs[0]!.withMissing).toBe(1); // an absent VIP does not re-discover every read
  });

  it("the fallback walk does grow with the table (what discovery avoids)", async () => {
    const small = await agentFor(exampleSegment(), { addressTables: "none" });
    const big = await agentFor(exampleSegment(), { addressTables: "none", backgroundEntries: 5000 });
    const a = await cost(small, () => sourceFor(small).read(VIPS));
    const b = await cost(big, () => sourceFor(big).read(VIPS));
    expect(macs(a.value)).toEqual(EXAMPLE);
    expect(macs(b.value)).toEqual(EXAMPLE);
    expect(b.requests).toBeGreaterThan(a.requests + 50);
  });
});

describe("discovery", () => {
  it("uses ipAddressTable when ipAddrTable is empty, and then needs one GET per read", async () => {
    const agent = await agentFor(exampleSegment(), { addressTables: "ipAddressTable", backgroundEntries: 5000 });
    const src = sourceFor(agent);
    expect(macs(await src.read(VIPS))).toEqual(EXAMPLE);
    const steady = await cost(agent, () => src.read(VIPS));
    expect(macs(steady.value)).toEqual(EXAMPLE);
    expect(steady.requests).toBe(1);
  });

  it.each(TABLES)("falls back to a column walk when no address table answers (%s)", async (table) => {
    const seg = exampleSegment();
    seg.router(ROUTER).entries.get("192.0.2.101")!.static = true;
    const agent = await agentFor(seg, { addressTables: "none", backgroundEntries: 200 });
    const reading = await sourceFor(agent, { table }).read([...VIPS, "192.0.2.109"]);
    expect(reading.entries).toEqual([
      { vip: "192.0.2.101", mac: MAC1, static: true, interface: "2" },
      { vip: "192.0.2.102", mac: MAC3, static: false, interface: "2" },
      { vip: "192.0.2.103", mac: MAC3, static: false, interface: "2" },
    ]);
  });

  it("walks for VIPs outside every interface subnet of the router", async () => {
    const seg = exampleSegment();
    seg.router(ROUTER).address = "203.0.113.254";
    const agent = await agentFor(seg);
    expect(macs(await sourceFor(agent).read(VIPS))).toEqual(EXAMPLE);
  });

  it("re-discovers once when the GETs miss (interface renumbered)", async () => {
    const seg = exampleSegment();
    const agent = await agentFor(seg);
    const src = sourceFor(agent, {}, { rediscoverIntervalMs: 0 });
    expect((await src.read(VIPS)).entries.map((e) => e.interface)).toEqual(["2", "2", "2"]);
    seg.router(ROUTER).ifIndex = 7;
    const after = await cost(agent, () => src.read(VIPS));
    expect(after.value.entries).toEqual([
      { vip: "192.0.2.101", mac: MAC1, static: false, interface: "7" },
      { vip: "192.0.2.102", mac: MAC3, static: false, interface: "7" },
      { vip: "192.0.2.103", mac: MAC3, static: false, interface: "7" },
    ]);
    // The missed GET, one discovery, the GET on the new ifIndex: still independent of table size.
    expect(after.requests).toBeLessThanOrEqual(7);
    expect((await cost(agent, () => src.read(VIPS))).requests).toBe(1);
  });

  it("shares one discovery between concurrent reads", async () => {
    const agent = await agentFor(exampleSegment());
    const src = sourceFor(agent);
    const alone = await cost(agent, () => sourceFor(agent).read(VIPS));
    const both = await cost(agent, () => Promise.all([src.read(VIPS), src.read(VIPS)]));
    expect(both.value.map(macs)).toEqual([EXAMPLE, EXAMPLE]);
    expect(both.requests).toBe(alone.requests + 1);
  });
});

describe("failures", () => {
  it("rejects within the timeout with a clear message when the router does not answer", async () => {
    const seg = exampleSegment();
    const agent = await agentFor(seg);
    const src = sourceFor(agent, { timeoutMs: 300, retries: 1 });
    expect(macs(await src.read(VIPS))).toEqual(EXAMPLE);
    seg.router(ROUTER).up = false;
    const before = agent.requests();
    await expect(src.read(VIPS)).rejects.toThrow(
      `SNMP request to 127.0.0.1:${agent.port} timed out after 600ms: check address, community and ACL`,
    );
    expect(agent.requests() - before).toBe(2); // the request and its retry reached the agent
    seg.router(ROUTER).up = true;
    expect(macs(await src.read(VIPS))).toEqual(EXAMPLE); // the same source recovers
  });

  it("rejects when the router is down from the start (discovery)", async () => {
    const seg = exampleSegment();
    seg.router(ROUTER).up = false;
    const agent = await agentFor(seg);
    await expect(sourceFor(agent).read(VIPS)).rejects.toThrow(/timed out after 400ms: check address, community/);
  });

  it("rejects a wrong community", async () => {
    const agent = await agentFor(exampleSegment());
    await expect(sourceFor(agent, { community: "public" }).read(VIPS)).rejects.toThrow(
      /timed out after 400ms: check address, community and ACL/,
    );
  });

  it("rejects after close", async () => {
    const agent = await agentFor(exampleSegment());
    const src = sourceFor(agent);
    await src.read(VIPS);
    await src.close();
    await expect(src.read(VIPS)).rejects.toThrow(/closed/);
  });
});

describe("SNMPv3", () => {
  it.each(["ipNetToMedia", "ipNetToPhysical"] as const)("reads with USM authPriv (%s)", async (table) => {
    const agent = await agentFor(exampleSegment(), { v3User: V3_USER });
    const src = sourceFor(agent, { version: 3, community: "", v3: V3_USER, table });
    const reading = await src.read(VIPS);
    expect(macs(reading)).toEqual(EXAMPLE);
  });

  it("fails with a wrong auth key", async () => {
    const agent = await agentFor(exampleSegment(), { v3User: V3_USER });
    const src = sourceFor(agent, { version: 3, community: "", v3: { ...V3_USER, authKey: "wrong-passphrase" } });
    await expect(src.read(VIPS)).rejects.toThrow(/timed out after 400ms: check address, SNMPv3 user, auth\/priv keys/);
  });

  it("fails with a wrong priv key", async () => {
    const agent = await agentFor(exampleSegment(), { v3User: V3_USER });
    const src = sourceFor(agent, { version: 3, community: "", v3: { ...V3_USER, privKey: "wrong-passphrase" } });
    await expect(src.read(VIPS)).rejects.toThrow(/timed out after 400ms: check address, SNMPv3 user, auth\/priv keys/);
  });

  it("fails with an unknown user, saying so", async () => {
    const agent = await agentFor(exampleSegment(), { v3User: V3_USER });
    const src = sourceFor(agent, { version: 3, community: "", v3: { ...V3_USER, user: "nobody" } });
    await expect(src.read(VIPS)).rejects.toThrow(/SNMPv3 authentication with 127\.0\.0\.1:\d+ failed \(Unknown User Name\)/);
  });

  it("does not accept the v2c community of a v3-only expectation as a v3 user", async () => {
    const agent = await agentFor(exampleSegment());
    const src = sourceFor(agent, { version: 3, community: "", v3: V3_USER });
    await expect(src.read(VIPS)).rejects.toThrow(/SNMPv3 authentication .* failed/);
  });
});

describe("malformed replies", () => {
  /** An agent that answers discovery properly and the ARP GET with garbage. */
  function garbageClient(get: (oids: string[]) => unknown): SnmpClient {
    const A = "1.3.6.1.2.1.4.20.1";
    return {
      target: "garbage:161",
      get: async (oids) => get(oids) as never,
      // The table probe of discovery finds a row: the ARP table is in view.
      getNext: async () => [{ oid: "1.3.6.1.2.1.4.22.1.1.2.192.0.2.1", type: ASN.Integer, value: 2 }],
      walkColumn: async (oid) =>
        oid === `${A}.2`
          ? [{ oid: `${A}.2.192.0.2.254`, type: ASN.Integer, value: 2 }]
          : oid === `${A}.3`
            ? [{ oid: `${A}.3.192.0.2.254`, type: ASN.IpAddress, value: "255.255.255.0" }]
            : [],
      close: async () => {},
    };
  }

  function capture() {
    const lines: { level: number; msg: string; reason?: string }[] = [];
    const log = pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    return { log, lines };
  }

  it("skips a malformed row among good ones: warns with router, OID and reason, counts it, reports the VIP unknown", async () => {
    const { log, lines } = capture();
    const src = createSnmpRouterSource(snmpConfig(1, { table: "ipNetToMedia" }), log, {
      client: garbageClient((oids) =>
        oids.map((oid, i) => {
          const row = Math.floor(i / 2);
          if (i % 2 === 1) return { oid, type: ASN.Integer, value: 3 };
          if (row === 0) return { oid, type: ASN.OctetString, value: Buffer.from("001a4a48be4b", "hex") };
          if (row === 1) return { oid, type: ASN.OctetString, value: Buffer.from("001a4a", "hex") };
          return { oid, type: ASN.Integer, value: 17 };
        }),
      ),
    });
    const reading = await src.read(VIPS);
    expect(reading.entries).toEqual([{ vip: "192.0.2.101", mac: MAC1, static: false, interface: "2" }]);
    expect(reading.unreadable).toEqual([
      { vip: "192.0.2.102", reason: "ipNetToMedia row 1.3.6.1.2.1.4.22.1.2.2.192.0.2.102: physAddress is 3 bytes, expected 6" },
      { vip: "192.0.2.103", reason: "ipNetToMedia row 1.3.6.1.2.1.4.22.1.2.2.192.0.2.103: physAddress has type 2, expected OctetString (4)" },
    ]);
    const warned = lines.filter((l) => l.msg.startsWith("malformed ARP row skipped"));
    expect(warned.map((l) => [l.level, (l as { router?: string }).router, (l as { oid?: string }).oid, l.reason])).toEqual([
      [40, ROUTER, "1.3.6.1.2.1.4.22.1.2.2.192.0.2.102", "physAddress is 3 bytes, expected 6"],
      [40, ROUTER, "1.3.6.1.2.1.4.22.1.2.2.192.0.2.103", "physAddress has type 2, expected OctetString (4)"],
    ]);
    expect(src.malformedRows?.()).toBe(2);
  });

  it("fails the read when no row of the answer is usable", async () => {
    const src = createSnmpRouterSource(snmpConfig(1, { table: "ipNetToMedia" }), silentLogger(), {
      client: garbageClient((oids) => oids.map((oid) => ({ oid, type: ASN.OctetString, value: Buffer.from("00:1a:4a:48:be:4b") }))),
    });
    await expect(src.read(VIPS)).rejects.toThrow(
      'malformed SNMP GET response from 127.0.0.1:1: no row of the answer is usable: ipNetToMedia row 1.3.6.1.2.1.4.22.1.2.2.192.0.2.101: physAddress is the text "00:1a:4a:48:be:4b" instead of 6 bytes (and 2 more)',
    );
  });

  it("fails the read, naming the OID, when the answer names other OIDs, is short, or holds no varbinds", async () => {
    const cases: [(oids: string[]) => unknown, RegExp][] = [
      [(oids) => oids.map((oid) => ({ oid: `${oid}.1`, type: ASN.OctetString, value: Buffer.alloc(6, 1) })), /the answer names OID 1\.3\.6\.1\.2\.1\.4\.22\.1\.2\.2\.192\.0\.2\.101\.1 where 1\.3\.6\.1\.2\.1\.4\.22\.1\.2\.2\.192\.0\.2\.101 was asked/],
      [() => [], /0 varbinds answer the 6 OIDs asked \(1\.3\.6\.1\.2\.1\.4\.22\.1\.2\.2\.192\.0\.2\.101 \.\.\.\)/],
      [() => [null, 7, "x", 1, 2, 3], /no varbind answers 1\.3\.6\.1\.2\.1\.4\.22\.1\.2\.2\.192\.0\.2\.101/],
      [(oids) => oids.map((oid) => ({ oid, type: ASN.EndOfMibView, value: null })), /endOfMibView answers a GET of 1\.3\.6\.1\.2\.1\.4\.22\.1\.2\.2\.192\.0\.2\.101/],
      [(oids) => oids.map((oid) => ({ oid, type: ASN.NoSuchObject, value: null })), /does not show ipNetToMediaTable \(1\.3\.6\.1\.2\.1\.4\.22\) to this community \(noSuchObject for 1\.3\.6\.1\.2\.1\.4\.22\.1\.2\.2\.192\.0\.2\.101\)/],
    ];
    for (const [reply, message] of cases) {
      const src = createSnmpRouterSource(snmpConfig(1, { table: "ipNetToMedia" }), silentLogger(), { client: garbageClient(reply) });
      await expect(src.read(VIPS)).rejects.toThrow(message);
    }
  });
});
