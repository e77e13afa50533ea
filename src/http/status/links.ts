// Where the page points: the runbook (same documents as the alerts' runbook_url) and the
// Grafana dashboard shipped in grafana/vip-arp.json.
import type { AnomalyKind } from "../../model/types.js";

/** The runbook the alert rules link to; a deployment may serve its own copy elsewhere. */
export const DEFAULT_RUNBOOK_URL = "https://github.com/vip-arp-exporter/vip-arp-exporter/blob/main/docs/runbook.md";
/** `uid` of grafana/vip-arp.json: the dashboard is at /d/UID on the Grafana it is imported into. */
export const DASHBOARD_UID = "vip-arp-exporter";
export const DASHBOARD_JSON_URL = "https://github.com/vip-arp-exporter/vip-arp-exporter/blob/main/grafana/vip-arp.json";

/** The runbook section (alert name, lower-case as its heading anchor) for each problem kind. */
const SECTION: Record<AnomalyKind, string> = {
  "router-unreachable": "viparpcollectorfailing",
  "unreadable-entry": "viparprouterviewuntrusted",
  "view-implausible": "viparprouterviewuntrusted",
  "duplicate-mac": "viparprouterviewuntrusted",
  "node-down": "viparpcollectorfailing",
  "missing-entry": "viparpentrymissing",
  "unknown-mac": "viproutedtounknownmac",
  blackholed: "vipblackholed",
  "vip-not-held": "vipnotheldbyanynode",
  "node-owns-no-vips": "infranodeownsnovips",
  imbalanced: "arptableimbalanced",
  "routers-disagree": "routersdisagreeonvipowner",
  "static-entry": "vipremediationfailing",
  "dns-lookup-failed": "dnslookupfailing",
  "dns-unknown-address": "dnspublishesunknownaddress",
  "dns-missing-vip": "vipmissingfromdns",
  "dns-unserved-vip": "dnspublishesunservedvip",
};

export function runbookSection(runbookUrl: string, kind: AnomalyKind): string {
  return `${runbookUrl}#${SECTION[kind]}`;
}
