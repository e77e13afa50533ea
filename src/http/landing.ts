// The landing page at "/": what this is, where the metrics are, and the last view of each router.
import type { Collection } from "../collect/types.js";
import { VERSION } from "../version.js";

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function landingPage(opts: { telemetryPath: string; last: Collection | null; remediation: boolean; banner?: string }): string {
  const routers = (opts.last?.analysis.routers ?? [])
    .map((r) => {
      if (!r.ok) return `<h3>${esc(r.router)}</h3><p>unreachable: ${esc(r.error ?? "")}</p>`;
      const rows = r.vips
        .map(
          (v) =>
            `<tr><td>${esc(v.vip)}</td><td>${esc(v.mac ?? "(no entry)")}</td><td>${esc(v.node ?? (v.present ? "(unknown MAC)" : ""))}</td><td>${v.present ? (v.ownerHoldsVip ? "yes" : "NO") : ""}</td></tr>`,
        )
        .join("");
      const counts = Object.entries(r.counts)
        .map(([n, c]) => `${esc(n)}: ${c}`)
        .join(", ");
      return `<h3>${esc(r.router)}</h3><table><tr><th>VIP</th><th>MAC</th><th>node</th><th>held by node</th></tr>${rows}</table><p>VIPs per node: ${counts}; imbalance ratio ${r.imbalanceRatio.toFixed(3)}</p>`;
    })
    .join("");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>vip-arp-exporter</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;font-family:monospace}</style></head>
<body><h1>vip-arp-exporter ${esc(VERSION)}</h1>
${opts.banner ? `<p><strong>${esc(opts.banner)}</strong></p>` : ""}
<p>Shows which node each router really sends every VIP's traffic to.</p>
<ul><li><a href="${esc(opts.telemetryPath)}">Metrics</a></li><li><a href="/-/healthy">Health</a></li><li><a href="/-/ready">Readiness</a></li>
<li>POST /remediate: ${opts.remediation ? "enabled (bearer token)" : "disabled (set remediation.token_file or VIP_ARP_REMEDIATE_TOKEN)"}</li></ul>
<h2>Router view${opts.last ? ` at ${esc(opts.last.at.toISOString())}` : " (not collected yet)"}</h2>
${routers}
</body></html>`;
}
