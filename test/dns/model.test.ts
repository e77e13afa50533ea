// The DNS join (src/model/dns.ts) through analyze(): per name, each record served, unserved or
// not a VIP, the VIPs it leaves out, the unserved ratio, and the findings' messages.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/model/analyze.js";
import type { Observation, ObservedDnsName } from "../../src/model/types.js";
import { observationArb } from "../model/arbitraries.js";
import { MAC1, MAC2, MAC3, N1, N2, N3, V1, V2, V3, VIPS, designExample, node, router } from "../model/fixtures.js";

const NAME = "app.os.example.com";
const published = (addresses: string[] | null, name = NAME, error?: string): ObservedDnsName =>
  addresses === null ? { name, addresses: null, error: error ?? "timeout" } : { name, addresses };

/** One VIP per node, the router balanced: healthy without DNS. */
function balanced(dns: ObservedDnsName[]): Observation {
  return {
    vips: [...VIPS],
    nodes: [node(N1, MAC1, [V1]), node(N2, MAC2, [V2]), node(N3, MAC3, [V3])],
    routers: [router("core-s1", { [V1]: MAC1, [V2]: MAC2, [V3]: MAC3 })],
    dns,
  };
}

const dnsKinds = (obs: Observation) =>
  analyze(obs).anomalies.filter((a) => a.kind.startsWith("dns-")).map((a) => `${a.kind}:${a.dnsName}:${a.vip ?? a.address ?? ""}`);

describe("DNS join", () => {
  it("marks every record of a name that publishes exactly the served VIPs as served, healthy", () => {
    const a = analyze(balanced([published([V3, V1, V2])]));
    expect(a.dns).toEqual([
      {
        name: NAME,
        ok: true,
        records: [
          { address: V1, type: "A", status: "served" },
          { address: V2, type: "A", status: "served" },
          { address: V3, type: "A", status: "served" },
        ],
        missing: [],
        unserved: 0,
        unservedRatio: 0,
      },
    ]);
    expect(a.anomalies).toEqual([]);
    expect(a.healthy).toBe(true);
  });

  it("leaves analyses without dns names as they were", () => {
    const a = analyze(designExample());
    expect(a.dns).toEqual([]);
    expect(a.anomalies.some((x) => x.kind.startsWith("dns-"))).toBe(false);
  });

  it("finds an address that is not a VIP; it counts against the ratio's denominator only", () => {
    const a = analyze(balanced([published([V1, V2, V3, "192.0.2.99"])]));
    expect(a.dns[0]?.records.at(0)).toEqual({ address: "192.0.2.99", type: "A", status: "not-a-vip" });
    expect(a.dns[0]?.unservedRatio).toBe(0);
    expect(a.anomalies).toEqual([
      {
        kind: "dns-unknown-address",
        dnsName: NAME,
        address: "192.0.2.99",
        message: `DNS name ${NAME} publishes 192.0.2.99, which is not a configured VIP: clients sent there miss this cluster; remove the record from the zone, or add the address to vips if it is a VIP.`,
      },
    ]);
    expect(a.healthy).toBe(false);
  });

  it("finds a configured VIP the name does not publish", () => {
    const a = analyze(balanced([published([V1, V3])]));
    expect(a.dns[0]?.missing).toEqual([V2]);
    expect(a.anomalies).toEqual([
      {
        kind: "dns-missing-vip",
        dnsName: NAME,
        vip: V2,
        message: `DNS name ${NAME} does not publish VIP ${V2}, so no client of the name uses it; add its A record to the zone, or remove the VIP from vips if it is retired.`,
      },
    ]);
    expect(a.healthy).toBe(false);
  });

  it("finds a published VIP that no up node holds, with the share of the name's records that fail", () => {
    const obs = balanced([published([V1, V2, V3])]);
    obs.nodes = [node(N1, MAC1, [V1]), node(N2, MAC2, [V2]), node(N3, MAC3, [V3], false)];
    const a = analyze(obs);
    expect(a.dns[0]?.records[2]).toEqual({ address: V3, type: "A", status: "unserved", reason: "no up node holds it" });
    expect(a.dns[0]?.unserved).toBe(1);
    expect(a.dns[0]?.unservedRatio).toBe(1 / 3);
    expect(a.anomalies.filter((x) => x.kind === "dns-unserved-vip")).toEqual([
      {
        kind: "dns-unserved-vip",
        dnsName: NAME,
        vip: V3,
        message: `DNS name ${NAME} publishes ${V3}, which no up node holds: clients sent there fail; bring up the node or keepalived instance that should hold it, or remove the record from the zone.`,
      },
    ]);
  });

  it("finds a published VIP that a router sends to a node that does not hold it, or to an unknown MAC", () => {
    const obs = balanced([published([V1, V2, V3])]);
    obs.routers = [router("core-s1", { [V1]: MAC1, [V2]: MAC2, [V3]: MAC1 }), router("core-s2", { [V1]: MAC1, [V2]: "02:00:5e:00:00:99", [V3]: MAC3 })];
    const a = analyze(obs);
    expect(a.dns[0]?.records.map((r) => [r.status, r.reason])).toEqual([
      ["served", undefined],
      ["unserved", "router core-s2 sends it to 02:00:5e:00:00:99, a MAC of no configured node"],
      ["unserved", `router core-s1 sends it to ${N1}, which does not hold it`],
    ]);
    expect(a.dns[0]?.unservedRatio).toBe(2 / 3);
    expect(a.anomalies.find((x) => x.kind === "dns-unserved-vip" && x.vip === V3)?.message).toBe(
      `DNS name ${NAME} publishes ${V3}, but router core-s1 sends it to ${N1}, which does not hold it: clients sent there fail until a node holding it sends a GARP (remediate).`,
    );
  });

  it("does not call a VIP unserved because a router is unreadable or has no entry for it", () => {
    const obs = balanced([published([V1, V2, V3])]);
    obs.routers = [router("core-s1", { [V1]: MAC1, [V2]: MAC2 }), router("core-s2", null)];
    expect(analyze(obs).dns[0]?.records.every((r) => r.status === "served")).toBe(true);
  });

  it("keeps a failed lookup a lookup failure: no records, no missing VIPs, one finding", () => {
    const a = analyze(balanced([published(null, NAME, "the name does not exist (NXDOMAIN) at 127.0.0.1:53; check the name in dns.names and the zone")]));
    expect(a.dns).toEqual([
      {
        name: NAME,
        ok: false,
        error: "the name does not exist (NXDOMAIN) at 127.0.0.1:53; check the name in dns.names and the zone",
        records: [],
        missing: [],
        unserved: 0,
        unservedRatio: 0,
      },
    ]);
    expect(a.anomalies).toEqual([
      {
        kind: "dns-lookup-failed",
        dnsName: NAME,
        message: `DNS lookup of ${NAME} failed: the name does not exist (NXDOMAIN) at 127.0.0.1:53; check the name in dns.names and the zone.`,
      },
    ]);
    expect(a.healthy).toBe(false);
  });

  it("matches IPv6 records to IPv6 VIPs in RFC 5952 form, and keeps names apart", () => {
    const v6 = "2001:db8::101";
    const obs: Observation = {
      vips: [V1, v6],
      nodes: [node(N1, MAC1, [V1, v6])],
      routers: [router("core-s1", { [V1]: MAC1, [v6]: MAC1 })],
      dns: [published([V1, "2001:DB8:0:0:0:0:0:101", "2001:0db8::0101"]), published(["2001:db8::102"], "v6.os.example.com")],
    };
    const a = analyze(obs);
    expect(a.dns[0]?.records).toEqual([
      { address: V1, type: "A", status: "served" },
      { address: v6, type: "AAAA", status: "served" },
    ]);
    expect(a.dns[1]?.records).toEqual([{ address: "2001:db8::102", type: "AAAA", status: "not-a-vip" }]);
    expect(a.dns[1]?.missing).toEqual([V1, v6]);
    expect(dnsKinds(obs)).toEqual([
      "dns-unknown-address:v6.os.example.com:2001:db8::102",
      `dns-missing-vip:v6.os.example.com:${V1}`,
      `dns-missing-vip:v6.os.example.com:${v6}`,
    ]);
  });
});

describe("DNS join properties", () => {
  const OTHER = ["203.0.113.7", "2001:db8::ff"];
  const withDns = observationArb.chain((obs) =>
    fc
      .array(
        fc.oneof(
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 5, arbitrary: fc.subarray([...obs.vips, ...OTHER]).chain((xs) => fc.shuffledSubarray(xs, { minLength: xs.length })) },
        ),
        { minLength: 1, maxLength: 3 },
      )
      .map((lists): Observation => ({ ...obs, dns: lists.map((addresses, i) => published(addresses, `n${i}.example.com`)) })),
  );

  it("classifies every record by the router view, lists the VIPs left out, and counts the ratio", () => {
    const seen = { served: 0, unserved: 0, "not-a-vip": 0, missing: 0, failed: 0 };
    fc.assert(
      fc.property(withDns, (obs) => {
        const a = analyze(obs);
        const okRouters = a.routers.filter((r) => r.ok);
        a.dns.forEach((view, i) => {
          const input = obs.dns![i]!;
          if (input.addresses === null) {
            seen.failed++;
            expect(view).toMatchObject({ ok: false, records: [], missing: [], unservedRatio: 0 });
            return;
          }
          const addresses = new Set(input.addresses);
          expect(view.records.map((r) => r.address).sort()).toEqual([...addresses].sort());
          expect(view.missing).toEqual(obs.vips.filter((v) => !addresses.has(v)));
          for (const r of view.records) {
            seen[r.status]++;
            const isVip = obs.vips.includes(r.address);
            const blackholed = okRouters.some((ra) => ra.vips.some((v) => v.vip === r.address && v.present && !v.ownerHoldsVip));
            const expected = !isVip ? "not-a-vip" : (a.holders[r.address]?.length ?? 0) === 0 || blackholed ? "unserved" : "served";
            expect(r.status).toBe(expected);
          }
          seen.missing += view.missing.length;
          const unserved = view.records.filter((r) => r.status === "unserved").length;
          expect(view.unservedRatio).toBe(view.records.length ? unserved / view.records.length : 0);
          const findings = a.anomalies.filter((x) => x.dnsName === view.name).length;
          expect(findings).toBe(view.missing.length + view.records.filter((r) => r.status !== "served").length);
        });
        const failed = obs.dns!.filter((d) => d.addresses === null).length;
        expect(a.anomalies.filter((x) => x.kind === "dns-lookup-failed")).toHaveLength(failed);
      }),
      { numRuns: 300 },
    );
    // The generator reaches every outcome, so no branch above went unchecked.
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(10);
  });
});
