// The simulated router's SNMP agent on its own: what it serves, where it listens, and its
// request counter, read with the project's SNMP client over real UDP.
import dgram from "node:dgram";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { startSnmpAgent, type SimSnmpAgent } from "../../src/sim/snmp-agent.js";
import { createSnmpClient, type SnmpClient } from "../../src/sources/snmp/session.js";
import { COMMUNITY, ROUTER, exampleSegment, snmpConfig } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

async function start(seg = exampleSegment(), opts = {}): Promise<SimSnmpAgent> {
  const agent = await startSnmpAgent(seg, ROUTER, opts);
  cleanups.push(() => agent.close());
  return agent;
}

function client(port: number, community = COMMUNITY): SnmpClient {
  const c = createSnmpClient(snmpConfig(port, { community }), silentLogger());
  cleanups.push(() => c.close());
  return c;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  s.bind(0, "127.0.0.1");
  await once(s, "listening");
  const port = s.address().port;
  s.close();
  await once(s, "close");
  return port;
}

const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString() : v);

describe("simulated SNMP agent", () => {
  it("serves sysName, sysDescr and the router interface's ifDescr/ifName", async () => {
    const agent = await start();
    const [sysDescr, sysName, ifDescr, ifName] = await client(agent.port).get([
      "1.3.6.1.2.1.1.1.0",
      "1.3.6.1.2.1.1.5.0",
      "1.3.6.1.2.1.2.2.1.2.2",
      "1.3.6.1.2.1.31.1.1.1.1.2",
    ]);
    expect(text(sysName!.value)).toBe(ROUTER);
    expect(text(sysDescr!.value)).toContain(ROUTER);
    expect(text(ifDescr!.value)).toBe("eth0");
    expect(text(ifName!.value)).toBe("eth0");
  });

  it("serves the router address in ipAddrTable and ipAddressTable", async () => {
    const agent = await start();
    const c = client(agent.port);
    const [ifIndex, mask, ifIndex2, prefix] = await c.get([
      "1.3.6.1.2.1.4.20.1.2.192.0.2.254",
      "1.3.6.1.2.1.4.20.1.3.192.0.2.254",
      "1.3.6.1.2.1.4.34.1.3.1.4.192.0.2.254",
      "1.3.6.1.2.1.4.34.1.5.1.4.192.0.2.254",
    ]);
    expect(ifIndex!.value).toBe(2);
    expect(mask!.value).toBe("255.255.255.0");
    expect(ifIndex2!.value).toBe(2);
    expect(prefix!.value).toBe("1.3.6.1.2.1.4.32.1.5.2.1.4.192.0.2.0.24");
  });

  it("walks an ARP column in order, background rows included", async () => {
    const agent = await start(exampleSegment(), { backgroundEntries: 120 });
    const rows = await client(agent.port).walkColumn("1.3.6.1.2.1.4.22.1.2");
    expect(rows).toHaveLength(123);
    expect(rows.slice(0, 3).map((r) => r.oid)).toEqual([
      "1.3.6.1.2.1.4.22.1.2.2.192.0.2.101",
      "1.3.6.1.2.1.4.22.1.2.2.192.0.2.102",
      "1.3.6.1.2.1.4.22.1.2.2.192.0.2.103",
    ]);
    expect(rows.every((r) => !r.oid.includes(".192.0.2.") || r.oid.includes(".2.192.0.2."))).toBe(true);
  });

  it("reflects removed and re-added entries on the next request", async () => {
    const seg = exampleSegment();
    const agent = await start(seg);
    const c = client(agent.port);
    const oid = "1.3.6.1.2.1.4.35.1.4.2.1.4.192.0.2.102";
    seg.router(ROUTER).entries.delete("192.0.2.102");
    expect((await c.get([oid]))[0]!.type).toBe(129); // noSuchInstance
    seg.router(ROUTER).entries.set("192.0.2.102", { mac: "00:1a:4a:48:be:ef", static: false });
    expect((await c.get([oid]))[0]!.value).toEqual(Buffer.from("001a4a48beef", "hex"));
  });

  it("counts every request, including the ones it drops while the router is down", async () => {
    const seg = exampleSegment();
    const agent = await start(seg);
    const c = client(agent.port);
    expect(agent.requests()).toBe(0);
    await c.get(["1.3.6.1.2.1.1.5.0"]);
    await c.getNext(["1.3.6.1.2.1.1"]);
    expect(agent.requests()).toBe(2);
    seg.router(ROUTER).up = false;
    await expect(c.get(["1.3.6.1.2.1.1.5.0"])).rejects.toThrow(/timed out/);
    expect(agent.requests()).toBe(3);
  });

  it("listens on the requested port of 127.0.0.1 and frees it on close", async () => {
    const port = await freeUdpPort();
    const agent = await startSnmpAgent(exampleSegment(), ROUTER, { port });
    expect(agent.port).toBe(port);
    await agent.close();
    await agent.close(); // idempotent
    const again = await start(exampleSegment(), { port });
    expect(again.port).toBe(port);
    expect(text((await client(port).get(["1.3.6.1.2.1.1.5.0"]))[0]!.value)).toBe(ROUTER);
  });

  it("picks a free port by default (never 161)", async () => {
    const a = await start();
    const b = await start();
    expect(a.port).not.toBe(161);
    expect(a.port).not.toBe(b.port);
  });

  it("fails clearly when its port is taken", async () => {
    const squatter = dgram.createSocket("udp4");
    squatter.bind(0, "127.0.0.1");
    await once(squatter, "listening");
    cleanups.push(async () => {
      squatter.close();
    });
    const port = squatter.address().port;
    await expect(startSnmpAgent(exampleSegment(), ROUTER, { port })).rejects.toThrow(
      new RegExp(`could not listen on 127\\.0\\.0\\.1:${port}`),
    );
  });

  it("refuses an unknown router name", async () => {
    await expect(startSnmpAgent(exampleSegment(), "no-such-router")).rejects.toThrow(/no router "no-such-router"/);
  });
});
