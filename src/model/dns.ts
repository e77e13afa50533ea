// The client's first step, joined with the second: what each DNS name publishes, and whether
// the router view serves it. Every record is served, unserved (a VIP no up node holds, or one a
// router sends to a node that does not hold it) or not a VIP; configured VIPs a name leaves out
// are missing. unservedRatio = unserved records / all records: the share of the name's clients
// that fail. Addresses that are not VIPs count in the denominator only: whether something else
// serves them is not ours to tell, and they have their own finding. A failed lookup yields
// one finding and no others: it never reads as "publishes nothing". Pure: no I/O.
import { compareIp, isIpv4, normalizeIp } from "./net.js";
import type { Anomaly, DnsNameView, DnsRecordView, ObservedDnsName, RouterAnalysis } from "./types.js";

export interface DnsJoin {
  views: DnsNameView[];
  anomalies: Anomaly[];
  /** Every name resolved, publishes exactly the VIPs, and every record is served. */
  healthy: boolean;
}

const recordType = (address: string): "A" | "AAAA" => (isIpv4(address) ? "A" : "AAAA");

const NO_HOLDER = "no up node holds it";

/** Why clients sent to this VIP fail, or null when it is served. */
export function unservedReason(vip: string, holders: Record<string, string[]>, routers: RouterAnalysis[]): string | null {
  if ((holders[vip]?.length ?? 0) === 0) return NO_HOLDER;
  for (const r of routers) {
    const v = r.ok ? r.vips.find((x) => x.vip === vip) : undefined;
    if (!v?.present || v.ownerHoldsVip) continue;
    return v.node === null
      ? `router ${r.router} sends it to ${v.mac}, a MAC of no configured node`
      : `router ${r.router} sends it to ${v.node}, which does not hold it`;
  }
  return null;
}

export function analyzeDns(
  names: ObservedDnsName[],
  vips: string[],
  holders: Record<string, string[]>,
  routers: RouterAnalysis[],
): DnsJoin {
  // Published addresses are matched in normalised form and shown in the config's form.
  const configured = new Map(vips.map((v) => [normalizeIp(v) ?? v, v]));
  const views: DnsNameView[] = [];
  const anomalies: Anomaly[] = [];
  for (const n of names) {
    const name = n.name;
    if (n.addresses === null) {
      const view: DnsNameView = { name, ok: false, records: [], missing: [], unserved: 0, unservedRatio: 0 };
      if (n.error !== undefined) view.error = n.error;
      views.push(view);
      const why = (n.error ?? "no answer").replace(/\.$/, "");
      anomalies.push({ kind: "dns-lookup-failed", dnsName: name, message: `DNS lookup of ${name} failed: ${why}.` });
      continue;
    }
    const published = [...new Set(n.addresses.map((a) => normalizeIp(a) ?? a))].sort(compareIp);
    const records: DnsRecordView[] = published.map((a) => {
      const vip = configured.get(a);
      if (vip === undefined) return { address: a, type: recordType(a), status: "not-a-vip" };
      const reason = unservedReason(vip, holders, routers);
      return reason === null
        ? { address: vip, type: recordType(a), status: "served" }
        : { address: vip, type: recordType(a), status: "unserved", reason };
    });
    const shown = new Set(records.map((r) => r.address));
    const missing = vips.filter((v) => !shown.has(v));
    const unserved = records.filter((r) => r.status === "unserved").length;
    views.push({ name, ok: true, records, missing, unserved, unservedRatio: records.length ? unserved / records.length : 0 });
    for (const r of records) {
      if (r.status === "not-a-vip") {
        anomalies.push({
          kind: "dns-unknown-address",
          dnsName: name,
          address: r.address,
          message: `DNS name ${name} publishes ${r.address}, which is not a configured VIP: clients sent there miss this cluster; remove the record from the zone, or add the address to vips if it is a VIP.`,
        });
      } else if (r.status === "unserved") {
        anomalies.push({
          kind: "dns-unserved-vip",
          dnsName: name,
          vip: r.address,
          message: r.reason === NO_HOLDER
            ? `DNS name ${name} publishes ${r.address}, which no up node holds: clients sent there fail; bring up the node or keepalived instance that should hold it, or remove the record from the zone.`
            : `DNS name ${name} publishes ${r.address}, but ${r.reason}: clients sent there fail until a node holding it sends a GARP (remediate).`,
        });
      }
    }
    for (const vip of missing) {
      anomalies.push({
        kind: "dns-missing-vip",
        dnsName: name,
        vip,
        message: `DNS name ${name} does not publish VIP ${vip}, so no client of the name uses it; add its ${recordType(vip)} record to the zone, or remove the VIP from vips if it is retired.`,
      });
    }
  }
  return { views, anomalies, healthy: anomalies.length === 0 };
}
