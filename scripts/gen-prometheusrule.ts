// Generates deploy/kubernetes/components/prometheus-operator/prometheusrule.yaml (a Prometheus Operator PrometheusRule) from
// alerts/vip-arp.rules.yml, so the Kubernetes rules never drift from the tested ones.
//   npx tsc -p . && node dist/scripts/gen-prometheusrule.js [--check] [RULES_FILE [OUTPUT_FILE]]
// Paths are relative to the current directory (run it from the repository root). --check
// writes nothing and exits 1 when OUTPUT_FILE is not what this script would write.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parse, stringify } from "yaml";

export const DEFAULT_RULES_FILE = "alerts/vip-arp.rules.yml";
export const DEFAULT_OUTPUT_FILE = "deploy/kubernetes/components/prometheus-operator/prometheusrule.yaml";

const HEADER = `# GENERATED from ${DEFAULT_RULES_FILE} by scripts/gen-prometheusrule.ts: do not edit.
# Regenerate: npm run gen:prometheusrule
# kube-prometheus selects rules by the labels prometheus/role; kube-prometheus-stack (Helm) by
# release=<release name>: add that label if yours does. OpenShift user workload monitoring
# picks up every PrometheusRule in a namespace where it is enabled.
`;

export interface RuleGroup {
  name: string;
  rules: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface PrometheusRule {
  apiVersion: "monitoring.coreos.com/v1";
  kind: "PrometheusRule";
  metadata: { name: string; labels: Record<string, string> };
  spec: { groups: RuleGroup[] };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** The rule groups of a Prometheus rule file, or a message saying what is wrong with it. */
export function parseRuleGroups(rulesText: string): Result<RuleGroup[]> {
  let doc: unknown;
  try {
    doc = parse(rulesText);
  } catch (err) {
    return { ok: false, error: `not valid YAML: ${(err as Error).message}` };
  }
  const groups = (doc as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups) || groups.length === 0) {
    return { ok: false, error: "no `groups:` list: is this a Prometheus rule file?" };
  }
  for (const [i, g] of groups.entries()) {
    const group = g as Partial<RuleGroup> | null;
    if (typeof group?.name !== "string" || !Array.isArray(group.rules)) {
      return { ok: false, error: `groups[${i}] needs a \`name\` and a \`rules\` list` };
    }
  }
  return { ok: true, value: groups as RuleGroup[] };
}

export function buildPrometheusRule(rulesText: string): Result<PrometheusRule> {
  const groups = parseRuleGroups(rulesText);
  if (!groups.ok) return groups;
  return {
    ok: true,
    value: {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: {
        name: "vip-arp-exporter",
        labels: {
          "app.kubernetes.io/name": "vip-arp-exporter",
          "app.kubernetes.io/component": "alert-rules",
          prometheus: "k8s",
          role: "alert-rules",
        },
      },
      spec: { groups: groups.value },
    },
  };
}

/** The file's text: a generated-file header and the PrometheusRule as YAML. */
export function renderPrometheusRule(rulesText: string): Result<string> {
  const rule = buildPrometheusRule(rulesText);
  if (!rule.ok) return rule;
  // lineWidth 0: never fold long lines, so exprs and descriptions stay as written.
  return { ok: true, value: HEADER + stringify(rule.value, { lineWidth: 0 }) };
}

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const [rulesFile = DEFAULT_RULES_FILE, outputFile = DEFAULT_OUTPUT_FILE] = argv.filter((a) => a !== "--check");
  let source: string;
  try {
    source = readFileSync(rulesFile, "utf8");
  } catch (err) {
    console.error(`gen-prometheusrule: cannot read ${rulesFile}: ${(err as Error).message}`);
    return 2;
  }
  const rendered = renderPrometheusRule(source);
  if (!rendered.ok) {
    console.error(`gen-prometheusrule: ${rulesFile}: ${rendered.error}`);
    return 2;
  }
  const text = rendered.value;
  if (check) {
    let current = "";
    try {
      current = readFileSync(outputFile, "utf8");
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(`gen-prometheusrule: ${outputFile} is stale: regenerate it from ${rulesFile}`);
      return 1;
    }
    return 0;
  }
  writeFileSync(outputFile, text);
  console.log(`gen-prometheusrule: wrote ${outputFile} from ${rulesFile}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
