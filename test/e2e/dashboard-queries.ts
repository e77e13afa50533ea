// What the closed-loop test runs of grafana/vip-arp.json: every panel query with Grafana's
// variables expanded (once as "All", once with the values the variable queries return), and
// every `label_values()` variable query. Pure: the parsed dashboard comes in.
import { dashboardQueries, expandVariables, type Dashboard } from "../deploy/dashboard.js";

/** Grafana's interval variables as set for a short range of 1s-scrape data. */
export const INTERVALS: Record<string, string> = { __rate_interval: "1m", __interval: "5s", __range: "5m" };

/**
 * Queries that may legitimately return nothing after this loop, each with the reason. Add an
 * entry only with a reason a reviewer can check.
 */
export const MAY_BE_EMPTY: ReadonlyArray<{ panel: string; refId: string; why: string }> = [
  {
    panel: "GARPs sent and failed",
    refId: "A",
    why: "a VIP x node pair has a series only from its first GARP on (docs/metrics.md), and the selected pass picks the first VIP and the first node, which this loop's remediation does not pair; the All pass has data",
  },
  {
    panel: "GARPs sent and failed",
    refId: "B",
    why: "every GARP of this loop succeeds, and a pair's failure counter appears only at its first failure",
  },
];

export function mayBeEmpty(panel: string, refId: string): boolean {
  return MAY_BE_EMPTY.some((e) => e.panel === panel && e.refId === refId);
}

export interface VariableQuery {
  name: string;
  label: string;
  /** Series selector, with `$var` references to earlier variables. */
  match: string;
}

/** `label_values(selector, label)` variables, in dashboard order; others are not queries. */
export function variableQueries(d: Dashboard): Array<VariableQuery | { name: string; error: string }> {
  return d.templating.list
    .filter((v) => v.type === "query")
    .map((v) => {
      const q = typeof v.query === "string" ? v.query : (v.query as { query?: unknown } | undefined)?.query;
      const m = typeof q === "string" ? /^\s*label_values\(\s*(.+?)\s*,\s*(\w+)\s*\)\s*$/.exec(q) : null;
      return m ? { name: v.name, match: m[1] as string, label: m[2] as string } : { name: v.name, error: `not a label_values(selector, label) query: ${JSON.stringify(q)}` };
    });
}

/** A single value as Grafana's Prometheus data source writes it into a regex matcher. */
export function grafanaRegexValue(value: string): string {
  return value.replace(/\\/g, "\\\\\\\\").replace(/[$^*{}[\]'+?.()|]/g, "\\\\$&");
}

export interface ExpandedQuery {
  panel: string;
  refId: string;
  instant: boolean;
  /** As written in the dashboard. */
  raw: string;
  expr: string;
}

/** One expression with the variables set to `values` (missing ones: ".*", Grafana's All). */
export function expandExpr(expr: string, values: Record<string, string> = {}): string {
  return expandVariables(expr, { ...INTERVALS, ...values });
}

/** Every panel query with the variables set to `values` (missing ones: ".*", Grafana's All). */
export function expandedQueries(d: Dashboard, values: Record<string, string> = {}): ExpandedQuery[] {
  return dashboardQueries(d).map((q) => ({
    panel: q.panel,
    refId: q.refId,
    instant: q.instant,
    raw: q.expr,
    expr: expandExpr(q.expr, values),
  }));
}
