// What `vip-arp-exporter check` prints and which exit code it returns.
import type { Collection } from "../collect/types.js";
import type { Config } from "../config/types.js";
import { distrustedRouters } from "../model/guard.js";
import { isIpv4 } from "../model/net.js";
import type { DnsNameView, DnsRecordView } from "../model/types.js";
import { serverLabel } from "../sources/dns.js";
import { table } from "./table.js";

/**
 * 0 balanced and healthy, 1 problems found, 2 a router's view could not be read or trusted
 * (we cannot tell; the same guard that stops remediation), or a DNS lookup failed.
 */
export function checkExitCode(c: Collection): 0 | 1 | 2 {
  if (distrustedRouters(c.analysis).length > 0 || c.analysis.dns.some((d) => !d.ok)) return 2;
  return c.analysis.healthy ? 0 : 1;
}

function routerAddress(config: Config, name: string): string {
  const r = config.routers.find((x) => x.name === name);
  return r ? `${r.type} ${r.host}:${r.port}` : "";
}

export function formatCheckTable(c: Collection, config: Config): string {
  const a = c.analysis;
  const out: string[] = [];
  for (const r of a.routers) {
    out.push(`Router ${r.router} (${routerAddress(config, r.router)})`);
    if (!r.ok) {
      out.push(`  UNREACHABLE: ${r.error ?? "no answer"}`, "");
      continue;
    }
    const rows = r.vips.map((v) => [
      v.vip,
      !v.readable ? "(UNREADABLE)" : v.present ? v.mac! + (v.static ? " (static)" : "") : "(no entry)",
      v.present ? (v.node ?? "(unknown MAC)") : "-",
      v.present ? (v.ownerHoldsVip ? "yes" : "NO") : "-",
    ]);
    out.push(indent(table(["VIP", "ROUTER MAC", "NODE", "HELD BY NODE"], rows)), "");
    const nodeRows = a.nodes.map((n) => [
      n.name,
      String(r.counts[n.name] ?? 0),
      n.up ? "up" : "DOWN",
      n.mac ?? "?",
      n.holds.join(" ") || "-",
    ]);
    out.push(indent(table(["NODE", "VIPS", "STATE", "MAC", "HOLDS"], nodeRows)));
    out.push(`  imbalance ratio ${r.imbalanceRatio.toFixed(3)} (${r.moves} move${r.moves === 1 ? "" : "s"} to spread ${r.resolved} VIPs evenly)`, "");
  }
  if (config.dns) for (const d of a.dns) out.push(...dnsSection(d, serverLabel(config.dns)), "");
  if (a.anomalies.length) {
    out.push("Problems:");
    for (const an of a.anomalies) out.push(`  - ${an.message}`);
  } else {
    const dns = a.dns.length ? "; every DNS name publishes exactly the VIPs" : "";
    out.push(`OK: every VIP is resolved to a node that holds it and the VIPs are spread evenly${dns}.`);
  }
  return out.join("\n");
}

const STATUS: Record<DnsRecordView["status"], (r: DnsRecordView) => string> = {
  served: () => "served",
  unserved: (r) => `UNSERVED: ${r.reason ?? "unserved"}`,
  "not-a-vip": () => "NOT A VIP",
};

/** The `dig +short NAME` picture: every address the name returns, and the VIPs it leaves out. */
function dnsSection(d: DnsNameView, server: string): string[] {
  const out = [`DNS name ${d.name} (via ${server})`];
  if (!d.ok) return [...out, `  LOOKUP FAILED: ${d.error ?? "no answer"}`];
  const rows = [
    ...d.records.map((r) => [r.address, r.type, STATUS[r.status](r)]),
    ...d.missing.map((vip) => [vip, isIpv4(vip) ? "A" : "AAAA", "MISSING: a VIP the name does not publish"]),
  ];
  out.push(indent(table(["ADDRESS", "TYPE", "STATUS"], rows)));
  out.push(`  unserved ratio ${d.unservedRatio.toFixed(3)} (${d.unserved} of ${d.records.length} record${d.records.length === 1 ? "" : "s"} unserved)`);
  return out;
}

export function checkJson(c: Collection): unknown {
  const a = c.analysis;
  return {
    healthy: a.healthy,
    exitCode: checkExitCode(c),
    at: c.at.toISOString(),
    routers: a.routers,
    nodes: a.nodes,
    holders: a.holders,
    dns: a.dns,
    anomalies: a.anomalies,
    sources: c.sources,
  };
}

const indent = (s: string): string =>
  s
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
