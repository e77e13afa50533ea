// grafana/vip-arp.json imports as is (datasource variable, fixed uid, no ${DS_...} inputs),
// every panel has a unit and uses the datasource variable, every query uses documented
// metrics and parses (checked by promtool, wrapped as recording rules).
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ALL_VALUES, dashboardAnnotations, dashboardPanels, dashboardQueries, expandVariables, type Dashboard } from "./dashboard.js";
import { documentedMetrics } from "./markdown.js";
import { metricNames } from "./promql.js";
import { IN_CI, findExecutable, missingToolReason, run } from "./tools.js";

const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url), "utf8");
const text = read("grafana/vip-arp.json");
const dashboard = JSON.parse(text) as Dashboard;
const panels = dashboardPanels(dashboard);
const queries = dashboardQueries(dashboard);
const annotations = dashboardAnnotations(dashboard);
const DS_REF = { type: "prometheus", uid: "${datasource}" };

describe("grafana/vip-arp.json", () => {
  it("has the fixed uid and no import-time inputs", () => {
    expect(dashboard.uid).toBe("vip-arp-exporter");
    expect(text).not.toContain("${DS_");
    expect(dashboard).not.toHaveProperty("__inputs");
    expect(dashboard).not.toHaveProperty("__requires");
    expect(dashboard.id ?? null).toBeNull();
  });

  it("is read-only: changes belong in the file, not in one Grafana's copy", () => {
    expect(dashboard.editable).toBe(false);
  });

  it("has a prometheus datasource variable and job/instance/router/vip/node label_values variables", () => {
    const vars = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.get("datasource")).toMatchObject({ type: "datasource", query: "prometheus" });
    expect(dashboard.templating.list.filter((v) => v.type === "query").map((v) => v.name)).toEqual(["job", "instance", "router", "vip", "node"]);
    for (const name of ["job", "instance", "router", "vip", "node"]) {
      const v = vars.get(name);
      expect(v, name).toMatchObject({ type: "query", datasource: DS_REF, includeAll: true, allValue: ALL_VALUES[name] });
      expect(String(v?.query), name).toMatch(new RegExp(`^label_values\\(.+, ${name}\\)$`));
    }
    // .+ for job and instance: ".*" would also match series without the label
    expect([vars.get("job")?.allValue, vars.get("instance")?.allValue]).toEqual([".+", ".+"]);
    // each variable narrows by the ones before it
    expect(String(vars.get("instance")?.query)).toContain('job=~"$job"');
    expect(String(vars.get("router")?.query)).toContain('instance=~"$instance"');
    expect(String(vars.get("vip")?.query)).toContain('router=~"$router"');
    expect(String(vars.get("node")?.query)).toContain('instance=~"$instance"');
  });

  it("annotates remediation runs and owner changes from the data source, filtered like the panels", () => {
    expect(annotations.map((a) => a.name)).toEqual(["Remediation runs", "Owner changes"]);
    for (const a of annotations) {
      expect(a.datasource, a.name).toEqual(DS_REF);
      expect(a.enable, a.name).toBe(true);
      expect(a.expr, a.name).toMatch(/job=~"\$job",instance=~"\$instance"/);
    }
    expect(metricNames(annotations[0]?.expr ?? "")).toEqual(["vip_arp_remediations_total"]);
    expect(metricNames(annotations[1]?.expr ?? "")).toEqual(["vip_arp_owner_changes_total"]);
    expect(annotations[1]?.expr).toContain('vip=~"$vip"');
  });

  it("every panel has a unit, the datasource variable and at least one query", () => {
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const p of panels) {
      expect(p.fieldConfig?.defaults?.unit, `${p.title}: unit`).toMatch(/\S/);
      expect(p.datasource, `${p.title}: datasource`).toEqual(DS_REF);
      expect(p.targets?.length, `${p.title}: targets`).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.datasource, `${p.title} ${t.refId}`).toEqual(DS_REF);
    }
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lays the panels out on the 24-column grid without overlaps", () => {
    type Grid = { x: number; y: number; w: number; h: number };
    const grids = panels.map((p) => [p.title, (p as unknown as { gridPos: Grid }).gridPos] as const);
    for (const [title, g] of grids) {
      expect(g, title).toBeDefined();
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
    }
    for (const [i, [ta, a]] of grids.entries()) {
      for (const [tb, b] of grids.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${ta} overlaps ${tb}`).toBe(false);
      }
    }
  });

  it("has the panels users need, on the right metrics", () => {
    const byTitle = (re: RegExp) => {
      const p = panels.find((x) => re.test(x.title));
      expect(p, `no panel matching ${re}`).toBeDefined();
      return p as (typeof panels)[number];
    };
    const exprs = (re: RegExp) => (byTitle(re).targets ?? []).map((t) => t.expr ?? "").join("\n");

    const table = byTitle(/VIP -> MAC -> node/);
    expect(table.type).toBe("table");
    expect(table.targets?.every((t) => t.instant === true && t.format === "table")).toBe(true);
    expect(exprs(/VIP -> MAC -> node/)).toMatch(/vip_mac_owner/);
    expect(exprs(/VIP -> MAC -> node/)).toMatch(/vip_owner_holds_vip/);

    expect(byTitle(/VIPs per node/).type).toBe("bargauge");
    expect(exprs(/VIPs per node/)).toMatch(/infra_node_vip_count/);
    expect(byTitle(/imbalance over time/i).fieldConfig?.defaults?.unit).toBe("percentunit");
    expect(exprs(/imbalance over time/i)).toMatch(/arp_imbalance_ratio/);
    expect(exprs(/Owner changes/)).toMatch(/increase\(vip_arp_owner_changes_total/);
    expect(exprs(/nobody holds \/ blackholed/)).toMatch(/vip_holders[\s\S]*vip_owner_holds_vip/);
    expect(exprs(/Collector success/)).toMatch(/vip_arp_collector_success/);
    expect(byTitle(/Collector duration/).fieldConfig?.defaults?.unit).toBe("s");
    expect(exprs(/Collector duration/)).toMatch(/vip_arp_collector_duration_seconds/);
    expect(exprs(/GARPs sent and failed/)).toMatch(/vip_arp_garp_sent_total[\s\S]*vip_arp_garp_failures_total/);
    // a VIP x node pair appears at its first GARP: the panel shows that one too
    for (const t of byTitle(/GARPs sent and failed/).targets ?? []) expect(t.expr).toMatch(/increase\((vip_arp_garp_\w+)\{[^}]*\}\[\$__rate_interval\]\) or \(\1\{[^}]*\} unless \1\{[^}]*\} offset \$__rate_interval\)/);
    expect(exprs(/Remediation runs/)).toMatch(/vip_arp_remediations_total[\s\S]*vip_arp_remediation_failures_total/);
  });

  it("every query filters by the job and instance variables, and by router, vip and node where the metric has the label", () => {
    const documented = documentedMetrics(read("docs/metrics.md"));
    const has = (metric: string, label: string) => documented.get(metric)?.labels.includes(label) ?? false;
    let checked = 0;
    for (const q of [...queries, ...annotations.map((a) => ({ panel: a.name, refId: "annotation", expr: a.expr ?? "" }))]) {
      for (const sel of q.expr.matchAll(/([a-z_:]+)\{([^}]*)\}/g)) {
        const [metric, matchers] = [sel[1] ?? "", sel[2] ?? ""];
        expect(matchers, `${q.panel} ${q.refId}: ${metric}`).toMatch(/job=~"\$job",instance=~"\$instance"/);
        for (const label of ["router", "vip", "node"]) {
          // a query about one value (node="": unknown MACs) keeps its own matcher
          if (!has(metric, label) || new RegExp(`\\b${label}="`).test(matchers)) continue;
          expect(matchers, `${q.panel} ${q.refId}: ${metric} by $${label}`).toContain(`${label}=~"$${label}"`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("every metric the dashboard queries is documented in docs/metrics.md", () => {
    const documented = documentedMetrics(read("docs/metrics.md"));
    const varQueries = dashboard.templating.list.map((v) => v.query).filter((q): q is string => typeof q === "string" && q.startsWith("label_values("));
    const exprs = [...queries.map((q) => q.expr), ...annotations.map((a) => a.expr ?? ""), ...varQueries.map((q) => q.replace(/^label_values\((.*), \w+\)$/, "$1"))];
    for (const e of exprs) {
      const names = metricNames(e);
      expect(names.length, e).toBeGreaterThan(0);
      for (const m of names) expect(documented.has(m), `${m} (in ${e}) is not in docs/metrics.md`).toBe(true);
    }
  });
});

describe("grafana/provisioning", () => {
  it("has a file provider for dashboards", () => {
    const doc = parse(read("grafana/provisioning/dashboards/vip-arp.yaml")) as { apiVersion: number; providers: Array<Record<string, unknown>> };
    expect(doc.apiVersion).toBe(1);
    expect(doc.providers[0]).toMatchObject({ type: "file", options: { path: expect.stringMatching(/^\//) } });
  });

  it("has a Prometheus data source example", () => {
    const doc = parse(read("grafana/provisioning/datasources/prometheus.example.yaml")) as { datasources: Array<Record<string, unknown>> };
    expect(doc.datasources[0]).toMatchObject({ type: "prometheus", access: "proxy", url: expect.stringMatching(/^https?:\/\//) });
  });
});

const promtool = findExecutable("promtool");
const missing = missingToolReason("promtool", promtool, "prometheus");
if (missing && !IN_CI) console.warn(`dashboard PromQL parse check SKIPPED: ${missing}`);

describe("dashboard queries parse (promtool)", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  if (missing && IN_CI) {
    it("promtool is installed (required when CI=true)", () => {
      expect.fail(`${missing}: CI checks the dashboard's PromQL with it`);
    });
  }

  describe.skipIf(missing !== null)(missing ? `SKIPPED: ${missing}` : "promtool", () => {
    it("every expression, with its variables expanded, is valid PromQL", async () => {
      const dir = mkdtempSync(join(tmpdir(), "vip-arp-dashboard-"));
      dirs.push(dir);
      const file = join(dir, "dashboard-queries.yml");
      const exprs = [...queries.map((q) => q.expr), ...annotations.map((a) => a.expr ?? "")];
      const rules = exprs.map((e, i) => ({ record: `dashboard:query_${i}`, expr: expandVariables(e) }));
      writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules }] }));
      const r = await run(promtool as string, ["check", "rules", file]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain(`SUCCESS: ${exprs.length} rules found`);
    });

    it("promtool rejects a broken expression in the same way (the check can fail)", async () => {
      const dir = mkdtempSync(join(tmpdir(), "vip-arp-dashboard-"));
      dirs.push(dir);
      const file = join(dir, "broken.yml");
      writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules: [{ record: "dashboard:broken", expr: expandVariables('sum by (vip (vip_mac_owner{job=~"$job"})') }] }] }));
      const r = await run(promtool as string, ["check", "rules", file]);
      expect(r.code).not.toBe(0);
    });
  });
});
