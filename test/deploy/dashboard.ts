// The Grafana dashboard's panels and PromQL queries, with Grafana's variables expanded so the
// queries can be checked by promtool here and run against a real Prometheus (closed-loop test).

export interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
  instant?: boolean;
  format?: string;
}

export interface Panel {
  id?: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  fieldConfig?: { defaults?: { unit?: string } };
}

export interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown; datasource?: unknown; allValue?: string; includeAll?: boolean }> };
  [key: string]: unknown;
}

export interface DashboardQuery {
  panel: string;
  refId: string;
  expr: string;
  instant: boolean;
}

/** Every panel, including those nested in collapsed rows. */
export function dashboardPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => (p.type === "row" ? (p.panels ?? []) : [p]));
}

export function dashboardQueries(d: Dashboard): DashboardQuery[] {
  return dashboardPanels(d).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, refId: t.refId ?? "?", expr: t.expr ?? "", instant: t.instant === true })),
  );
}

/** Grafana's built-in interval variables, as Grafana would set them for a 1h range. */
export const BUILTIN_VARIABLES: Record<string, string> = {
  __rate_interval: "2m",
  __interval: "30s",
  __range: "1h",
};

/**
 * The "All" value (allValue) of each of the dashboard's query variables: `.+` where a label
 * always has a value; `.*` for node, so that All keeps vip_mac_owner{node=""} (a MAC of no
 * known node). grafana.test.ts checks these against grafana/vip-arp.json.
 */
export const ALL_VALUES: Record<string, string> = { job: ".+", instance: ".+", router: ".*", vip: ".+", node: ".*" };

/**
 * Replaces $name, ${name} and ${name:format} by values (default: the variable's "All" value,
 * ALL_VALUES). Unknown names are left as they are, so promtool reports them.
 */
export function expandVariables(expr: string, values: Record<string, string> = {}): string {
  const all = { ...BUILTIN_VARIABLES, ...ALL_VALUES, ...values };
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string | undefined, plain: string | undefined) => {
    const name = braced ?? plain ?? "";
    if (name in all) return all[name] as string;
    return whole;
  });
}

export interface Annotation {
  name: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
  builtIn?: number;
  [key: string]: unknown;
}

/** The dashboard's Prometheus annotation queries (not Grafana's built-in one). */
export function dashboardAnnotations(d: Dashboard): Annotation[] {
  return ((d.annotations as { list?: Annotation[] } | undefined)?.list ?? []).filter((a) => !a.builtIn);
}
