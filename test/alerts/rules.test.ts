// The rule file's shape and its links to the docs: labels and annotations, runbook anchors,
// documented metrics, documented `for:` windows, and a firing plus a not-firing promtool test
// case for every alert. Needs no promtool.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { documentedMetrics, githubAnchors } from "../deploy/markdown.js";
import { metricNames } from "../deploy/promql.js";

const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url), "utf8");

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTest {
  alert_rule_test?: Array<{ alertname: string; eval_time: string; exp_alerts?: unknown[] }>;
}

const rulesDoc = parse(read("alerts/vip-arp.rules.yml")) as { groups: Array<{ name: string; rules: AlertRule[] }> };
const rules = rulesDoc.groups.flatMap((g) => g.rules);
const testsDoc = parse(read("alerts/vip-arp.rules.test.yml")) as { rule_files: string[]; tests: RuleTest[] };
const runbook = read("docs/runbook.md");
const metricsDoc = documentedMetrics(read("docs/metrics.md"));

const RUNBOOK_URL = "https://github.com/vip-arp-exporter/vip-arp-exporter/blob/main/docs/runbook.md#";
const REQUIRED_ALERTS = [
  "InfraNodeOwnsNoVIPs",
  "ARPTableImbalanced",
  "VIPRoutedToUnknownMAC",
  "VIPBlackholed",
  "VIPNotHeldByAnyNode",
  "VIPARPEntryMissing",
  "VIPOwnerFlapping",
  "RoutersDisagreeOnVIPOwner",
  "VIPARPCollectorFailing",
  "VIPARPRouterViewUntrusted",
  "VIPRemediationFailing",
  "VIPARPExporterDown",
  "VIPARPExporterAbsent",
];

describe("alerts/vip-arp.rules.yml", () => {
  it("has every required alert, each once, and only alerting rules", () => {
    const names = rules.map((r) => r.alert);
    expect(names).toEqual(expect.arrayContaining(REQUIRED_ALERTS));
    expect(new Set(names).size).toBe(names.length);
    for (const r of rules) expect(typeof r.alert, JSON.stringify(r)).toBe("string");
  });

  it.each(rules.map((r) => [r.alert, r] as const))("%s has severity, a static summary, a templated description and a runbook_url", (_name, r) => {
    expect(["critical", "warning", "info"]).toContain(r.labels?.severity);
    const a = r.annotations ?? {};
    expect(a.summary, "summary").toMatch(/^[A-Z].*\.$/);
    expect(a.summary, "summary must be static").not.toContain("{{");
    // absent() returns one sample without labels: there is nothing to template.
    if (/^\s*absent\(/.test(r.expr)) expect(a.description, "description").toMatch(/^[A-Z].{40,}\.$/s);
    else expect(a.description, "description").toMatch(/\{\{ *\$(labels|value)/);
    expect(a.runbook_url?.startsWith(RUNBOOK_URL), a.runbook_url).toBe(true);
  });

  it("every runbook_url anchor exists in docs/runbook.md, one section per alert", () => {
    const anchors = githubAnchors(runbook);
    for (const r of rules) {
      const anchor = (r.annotations?.runbook_url ?? "").slice(RUNBOOK_URL.length);
      expect(anchors.has(anchor), `docs/runbook.md has no heading for #${anchor} (${r.alert})`).toBe(true);
      expect(anchor).toBe(r.alert.toLowerCase());
    }
  });

  it("every metric a rule uses is documented in docs/metrics.md", () => {
    const builtin = new Set(["up"]);
    for (const r of rules) {
      const used = metricNames(r.expr);
      expect(used.length, `${r.alert} uses no metric?`).toBeGreaterThan(0);
      for (const m of used) {
        expect(metricsDoc.has(m) || builtin.has(m), `${r.alert} uses ${m}, which docs/metrics.md does not document`).toBe(true);
      }
    }
  });

  it("the runbook's table of `for:` windows matches the rules", () => {
    for (const r of rules) {
      const row = runbook.split("\n").find((l) => l.startsWith(`| ${r.alert} |`));
      expect(row, `docs/runbook.md has no row for ${r.alert} in its for: table`).toBeDefined();
      const cells = (row as string).split("|").map((c) => c.trim());
      expect(cells[2], `${r.alert}: severity in the runbook`).toBe(r.labels?.severity);
      expect(cells[3], `${r.alert}: for: in the runbook`).toBe(r.for ?? "none");
      expect((cells[4] ?? "").length, `${r.alert}: the runbook says why`).toBeGreaterThan(40);
    }
  });

  it("the README section lists every alert with its severity and a runbook link", () => {
    const readme = read("README.md");
    for (const r of rules) {
      const row = readme.split("\n").find((l) => l.startsWith(`| [${r.alert}](docs/runbook.md#${r.alert.toLowerCase()}) |`));
      expect(row, `README.md: no row for ${r.alert}`).toBeDefined();
      expect(row?.split("|")[2]?.trim(), r.alert).toBe(r.labels?.severity);
    }
  });

  it("hard-codes a job only in VIPARPExporterDown and VIPARPExporterAbsent, the same one, as the runbook documents", () => {
    const withJob = ["VIPARPExporterDown", "VIPARPExporterAbsent"];
    for (const r of rules) {
      if (withJob.includes(r.alert)) continue;
      expect(r.expr, r.alert).not.toMatch(/\bjob\s*=/);
    }
    const matchers = withJob.map((name) => /up\{job=~"([^"]+)"\}/.exec(rules.find((r) => r.alert === name)?.expr ?? "")?.[1]);
    expect(matchers[0]).toBeDefined();
    expect(matchers[1]).toBe(matchers[0]);
    expect(runbook).toContain(`up{job=~"${matchers[0]}"}`);
  });
});

describe("alerts/vip-arp.rules.test.yml", () => {
  it("loads the shipped rule file", () => {
    expect(testsDoc.rule_files).toEqual(["vip-arp.rules.yml"]);
  });

  it.each(rules.map((r) => [r.alert] as const))("%s has a firing and a not-firing case", (name) => {
    const cases = testsDoc.tests.flatMap((t) => t.alert_rule_test ?? []).filter((c) => c.alertname === name);
    expect(cases.some((c) => (c.exp_alerts ?? []).length > 0), `${name}: no firing case`).toBe(true);
    expect(cases.some((c) => (c.exp_alerts ?? []).length === 0), `${name}: no not-firing case`).toBe(true);
  });

  it.each(rules.filter((r) => r.for).map((r) => [r.alert, r.for as string] as const))(
    "%s (for: %s) is checked while still pending",
    (name, forWindow) => {
      const minutes = (d: string) => {
        const m = /^(\d+)([smh])$/.exec(d);
        if (!m) throw new Error(`unexpected duration ${d}`);
        return Number(m[1]) * { s: 1 / 60, m: 1, h: 60 }[m[2] as "s" | "m" | "h"];
      };
      const pending = testsDoc.tests
        .flatMap((t) => t.alert_rule_test ?? [])
        .filter((c) => c.alertname === name && (c.exp_alerts ?? []).length === 0 && minutes(c.eval_time) < minutes(forWindow));
      expect(pending.length, `${name}: no case evaluated before for: ${forWindow} elapsed`).toBeGreaterThan(0);
    },
  );

  it("has a case where a node that is down does not raise InfraNodeOwnsNoVIPs", () => {
    const downCase = testsDoc.tests.find((t) => /down does not raise InfraNodeOwnsNoVIPs/.test((t as { name?: string }).name ?? ""));
    expect(downCase).toBeDefined();
    const series = ((downCase as { input_series: Array<{ series: string; values: string }> }).input_series ?? []).filter(
      (s) => s.series.startsWith("infra_node_up") && s.values.startsWith("0"),
    );
    expect(series.length).toBeGreaterThan(0);
    expect(downCase?.alert_rule_test?.find((c) => c.alertname === "InfraNodeOwnsNoVIPs")?.exp_alerts).toEqual([]);
  });
});
