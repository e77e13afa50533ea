// The status page at "/": assembles the sections (one module each) into one HTML document.
// Pure: everything it shows comes in as data, including the clock.
import type { Collection } from "../../collect/types.js";
import type { Plan } from "../../model/types.js";
import type { AuditRecord } from "../../remediate/audit.js";
import { freshnessSection } from "./freshness.js";
import { Html, html } from "./html.js";
import { DASHBOARD_JSON_URL, DASHBOARD_UID } from "./links.js";
import { nodesSection } from "./nodes.js";
import { indexProblems, problemsSection } from "./problems.js";
import { planSection } from "./remediation-plan.js";
import { routersSection } from "./routers.js";
import { runsSection } from "./runs.js";
import { sourcesSection, type LastError } from "./sources.js";
import { STYLE } from "./style.js";

export interface StatusView {
  version: string;
  now: Date;
  /** The view of the last scrape; null before the first one. */
  collection: Collection | null;
  /** The planner's dry run on that view; null when there is none. */
  plan: Plan | null;
  scrapeIntervalSeconds: number | null;
  lastErrors: ReadonlyMap<string, LastError>;
  /** Newest first. */
  runs: readonly AuditRecord[];
  telemetryPath: string;
  runbookUrl: string;
  remediation: boolean;
  banner?: string;
}

function links(v: StatusView): Html {
  return html`<nav><ul><li><a href="${v.telemetryPath}">Metrics</a></li><li><a href="${v.runbookUrl}">Runbook</a></li><li><a href="${DASHBOARD_JSON_URL}">Grafana dashboard</a> (uid ${DASHBOARD_UID}: /d/${DASHBOARD_UID} on your Grafana)</li><li><a href="/-/healthy">Health</a></li><li><a href="/-/ready">Readiness</a></li></ul></nav>`;
}

export function renderStatusPage(v: StatusView): string {
  const c = v.collection;
  const anomalies = c?.analysis.anomalies ?? null;
  const p = indexProblems(anomalies ?? []);
  const summary =
    c === null ? "not read yet" : c.analysis.healthy ? "healthy" : `${c.analysis.anomalies.length} problem${c.analysis.anomalies.length === 1 ? "" : "s"}`;
  const doc = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>vip-arp-exporter: ${summary}</title><style>${new Html(STYLE)}</style></head>
<body><header><h1>vip-arp-exporter ${v.version}</h1>${v.banner ? html`<p class="banner">${v.banner}</p>` : null}<p>Which node each router really sends every VIP's traffic to.</p>${links(v)}</header>
<main>${freshnessSection(c?.at ?? null, v.now, v.scrapeIntervalSeconds)}${problemsSection(anomalies, v.runbookUrl)}${routersSection(c?.analysis ?? null, p)}${nodesSection(c?.analysis ?? null, p)}${planSection(c?.analysis ?? null, v.plan, v.remediation)}${sourcesSection(c?.sources ?? null, v.lastErrors)}${runsSection(v.runs)}</main>
</body></html>
`;
  return doc.text;
}
