// The DNS view end to end on the simulated segment: its name server (dns2, 127.0.0.1 only)
// answers the exporter's real lookups, and /metrics shows what each name publishes. A name that
// stops resolving is a lookup failure with success 0 and no stale records.
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { Packet } from "dns2";
import { ConfigError } from "../../src/config/load.js";
import { parseScenario, DEFAULT_SCENARIO_YAML, loadScenarioFile } from "../../src/sim/scenario.js";
import { answersFor, startDnsServer } from "../../src/sim/dns-server.js";
import { DnsLookupError, lookupName } from "../../src/sources/dns.js";
import { find, samples, startTestExporter, type TestExporter } from "../helpers/exporter.js";

const FOO = "foo.os.example.com";
let ex: TestExporter | null = null;
afterEach(async () => {
  await ex?.close();
  ex = null;
});

async function scrape(e: TestExporter): Promise<Map<string, number>> {
  return samples((await request(e.app).get("/metrics").expect(200)).text);
}

const dnsSeries = (s: Map<string, number>) =>
  Object.fromEntries([...s].filter(([k]) => k.startsWith("vip_dns_") || k.includes('collector="dns"')).filter(([k]) => !k.startsWith("vip_arp_collector_duration")));

describe("the simulated name server", () => {
  it("answers A and AAAA for its names, NODATA for a name without records, NXDOMAIN for others", async () => {
    const server = await startDnsServer({
      [FOO]: ["192.0.2.102", "192.0.2.101", "2001:db8::101", "::ffff:192.0.2.1"],
      "Empty.OS.example.com.": [],
    });
    try {
      const at = { server: { host: "127.0.0.1", port: server.port }, timeoutMs: 2000 };
      // compareIp order: IPv4, then IPv6 by value (::ffff:192.0.2.1 is the smaller one).
      expect((await lookupName(FOO, at)).addresses).toEqual(["192.0.2.101", "192.0.2.102", "::ffff:192.0.2.1", "2001:db8::101"]);
      await expect(lookupName("empty.os.example.com", at)).rejects.toMatchObject({ failure: "nodata" });
      await expect(lookupName("bar.os.example.com", at)).rejects.toMatchObject({ failure: "nxdomain" });
      // Two queries per lookup (A and AAAA), three lookups.
      expect(server.queries()).toBe(6);
    } finally {
      await server.close();
    }
  });

  it("listens on 127.0.0.1 only", async () => {
    const server = await startDnsServer({ [FOO]: ["192.0.2.101"] });
    try {
      // Another loopback address, same port: nothing there.
      const err = await lookupName(FOO, { server: { host: "127.0.0.2", port: server.port }, timeoutMs: 1000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DnsLookupError);
      expect(server.queries()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("answers other query types with no records", () => {
    const records = new Map([[FOO, ["192.0.2.101", "2001:db8::1"]]]);
    expect(answersFor(records, "FOO.os.example.com.", Packet.TYPE.A)).toEqual(["192.0.2.101"]);
    expect(answersFor(records, FOO, Packet.TYPE.AAAA)).toEqual(["2001:db8::1"]);
    expect(answersFor(records, FOO, Packet.TYPE.MX)).toEqual([]);
    expect(answersFor(records, "bar.os.example.com", Packet.TYPE.A)).toBeNull();
  });
});

describe("scenario dns key", () => {
  const withDns = (dns: string) => DEFAULT_SCENARIO_YAML.replace(/\ndns:\n[\s\S]*$/, `\ndns:\n${dns}`);
  const problems = (text: string): string[] => {
    try {
      parseScenario(text, "s.yaml");
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it("is optional, and the demo has it", () => {
    expect(parseScenario(DEFAULT_SCENARIO_YAML).dns).toEqual({ names: { [FOO]: ["192.0.2.101", "192.0.2.102", "192.0.2.103"] } });
    expect(parseScenario(withDns("").replace(/\ndns:\n$/, "\n")).dns).toBeUndefined();
  });

  it.each([
    ["  names:\n    foo.os.example.com: [192.0.2.1, nope]\n", "dns.names.foo.os.example.com[1]: must be an IPv4 or IPv6 address"],
    ["  names:\n    bad_name.example.com: [192.0.2.1]\n", "dns.names.bad_name.example.com: must be a DNS name like foo.os.example.com"],
    ["  names: {}\n  ttl: 30\n", "dns.ttl: unknown key"],
  ])("refuses %j", (dns, problem) => {
    expect(problems(withDns(dns))).toEqual([problem]);
  });
});

describe("DNS metrics", () => {
  it("the demo publishes the three VIPs, all served", async () => {
    ex = await startTestExporter(parseScenario(DEFAULT_SCENARIO_YAML));
    const s = await scrape(ex);
    expect(dnsSeries(s)).toEqual({
      'vip_dns_published{name="foo.os.example.com",vip="192.0.2.101"}': 1,
      'vip_dns_published{name="foo.os.example.com",vip="192.0.2.102"}': 1,
      'vip_dns_published{name="foo.os.example.com",vip="192.0.2.103"}': 1,
      'vip_dns_lookup_success{name="foo.os.example.com"}': 1,
      'vip_dns_unserved_ratio{name="foo.os.example.com"}': 0,
      'vip_arp_collector_success{collector="dns",target="foo.os.example.com"}': 1,
    });
    expect(find(s, "vip_arp_collector_duration_seconds", { collector: "dns", target: FOO })).toHaveLength(1);
  });

  it("shows unknown, missing and unserved records, follows the zone, and a failed lookup leaves no stale series", async () => {
    ex = await startTestExporter(loadScenarioFile("scenarios/dns-drift.yaml"));
    expect(dnsSeries(await scrape(ex))).toEqual({
      'vip_dns_published{name="foo.os.example.com",vip="192.0.2.99"}': 1,
      'vip_dns_published{name="foo.os.example.com",vip="192.0.2.101"}': 1,
      'vip_dns_published{name="foo.os.example.com",vip="192.0.2.103"}': 1,
      'vip_dns_published{name="foo.os.example.com",vip="192.0.2.102"}': 0,
      'vip_dns_lookup_success{name="foo.os.example.com"}': 1,
      'vip_dns_unserved_ratio{name="foo.os.example.com"}': 1 / 3,
      'vip_arp_collector_success{collector="dns",target="foo.os.example.com"}': 1,
    });

    // The zone is fixed: exactly the VIPs; .103 is still blackholed at the router.
    ex.sim.dns!.records.set(FOO, ["192.0.2.103", "192.0.2.102", "192.0.2.101"]);
    const fixed = await scrape(ex);
    expect(find(fixed, "vip_dns_published").map((x) => [x.series, x.value])).toEqual([
      ['vip_dns_published{name="foo.os.example.com",vip="192.0.2.101"}', 1],
      ['vip_dns_published{name="foo.os.example.com",vip="192.0.2.102"}', 1],
      ['vip_dns_published{name="foo.os.example.com",vip="192.0.2.103"}', 1],
    ]);
    expect(fixed.get('vip_dns_unserved_ratio{name="foo.os.example.com"}')).toBe(1 / 3);

    // The name disappears from the zone: a lookup failure, not "publishes nothing".
    ex.sim.dns!.records.delete(FOO);
    expect(dnsSeries(await scrape(ex))).toEqual({
      'vip_dns_lookup_success{name="foo.os.example.com"}': 0,
      'vip_arp_collector_success{collector="dns",target="foo.os.example.com"}': 0,
    });
  });
});
