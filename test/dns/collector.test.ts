// The collector reads DNS names in the same round as the routers and nodes, in parallel: each
// stub source below only answers once the other kind has been asked, so a collector that read
// them one after the other would time every one of them out.
import { describe, expect, it } from "vitest";
import { createCollector } from "../../src/collect/collector.js";
import type { Config } from "../../src/config/types.js";
import { defaultRemediation } from "../../src/config/load.js";
import { silentLogger } from "../../src/log.js";
import { DnsLookupError, type DnsSource } from "../../src/sources/dns.js";
import type { NodeSource, RouterSource } from "../../src/sources/types.js";

const VIPS = ["198.51.100.101", "198.51.100.102"];
const MAC = "02:00:00:00:00:01";

function config(names: string[]): Config {
  return {
    vips: VIPS,
    nodes: [{ name: "node1", host: "198.51.100.1", port: 22, interface: "eth0", mac: MAC, ssh: false }],
    routers: [{ type: "snmp", name: "core-s1", host: "198.51.100.254", port: 161, version: 2, community: "public", table: "auto", timeoutMs: 1000, retries: 0 }],
    ssh: null,
    remediation: defaultRemediation(),
    dns: { names, server: null, timeoutMs: 1000 },
    scrapeTimeoutMs: 2000,
    source: "<test>",
  };
}

/** A latch: wait() resolves once open() was called. */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, wait: () => opened };
}

describe("collector with dns names", () => {
  it("looks the names up in parallel with the routers and nodes, and joins them", async () => {
    const routerAsked = latch();
    const dnsAsked = latch();
    const router: RouterSource = {
      name: "core-s1",
      kind: "snmp",
      read: async () => {
        routerAsked.open();
        await dnsAsked.wait();
        return { router: "core-s1", entries: VIPS.map((vip) => ({ vip, mac: MAC, static: false })) };
      },
      close: async () => {},
    };
    const node: NodeSource = {
      name: "node1",
      runner: null,
      read: async () => {
        await dnsAsked.wait();
        return { node: "node1", mac: MAC, addresses: VIPS };
      },
      close: async () => {},
    };
    const dns = (name: string, addresses: string[] | null): DnsSource => ({
      name,
      lookup: async () => {
        dnsAsked.open();
        await routerAsked.wait();
        if (addresses === null) throw new DnsLookupError("nxdomain", "the name does not exist (NXDOMAIN) at 198.51.100.53:53; check the name in dns.names and the zone");
        return { name, addresses };
      },
    });
    const names = ["app.os.example.com", "gone.os.example.com"];
    const collector = createCollector(config(names), silentLogger(), {
      routers: [router],
      nodes: [node],
      dns: [dns(names[0]!, [...VIPS]), dns(names[1]!, null)],
    });
    const c = await collector.collect();
    expect(c.observation.dns).toEqual([
      { name: "app.os.example.com", addresses: VIPS },
      { name: "gone.os.example.com", addresses: null, error: "the name does not exist (NXDOMAIN) at 198.51.100.53:53; check the name in dns.names and the zone" },
    ]);
    expect(c.sources.map((s) => [s.collector, s.target, s.success])).toEqual([
      ["snmp", "core-s1", true],
      ["node", "node1", true],
      ["dns", "app.os.example.com", true],
      ["dns", "gone.os.example.com", false],
    ]);
    expect(c.analysis.dns.map((d) => [d.name, d.ok, d.records.map((r) => r.status)])).toEqual([
      ["app.os.example.com", true, ["served", "served"]],
      ["gone.os.example.com", false, []],
    ]);
    await collector.close();
  });

  it("caps a lookup that never settles at the scrape timeout", async () => {
    const cfg = { ...config(["app.os.example.com"]), scrapeTimeoutMs: 200 };
    const collector = createCollector(cfg, silentLogger(), {
      routers: [],
      nodes: [],
      dns: [{ name: "app.os.example.com", lookup: () => new Promise(() => {}) }],
    });
    const c = await collector.collect();
    expect(c.observation.dns).toEqual([{ name: "app.os.example.com", addresses: null, error: "dns app.os.example.com did not answer within 200 ms" }]);
    expect(c.analysis.anomalies.filter((a) => a.dnsName).map((a) => a.message)).toEqual(["DNS lookup of app.os.example.com failed: dns app.os.example.com did not answer within 200 ms."]);
  });
});
