// Generates deploy/kubernetes/base/prometheusrule.yaml (a Prometheus Operator PrometheusRule) from
// alerts/vip-arp.rules.yml, so the Kubernetes rules never drift from the tested ones.
//   npx tsc -p . && node dist/scripts/gen-prometheusrule.js [--check] [RULES_FILE [OUTPUT_FILE]]
// Paths are relative to the current directory (run it from the repository root). --check
// writes nothing and exits 1 when OUTPUT_FILE is not what this script would write.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parse, stringify } from "yaml";

export const DEFAULT_RULES_FILE = "alerts/vip-arp.rules.yml";
export const DEFAULT_OUTPUT_FILE = "deploy/kubernetes/base/prometheusrule.yaml";

const HEADER = `# GENERATED from ${DEFAULT_RULES_FILE} by scripts/gen-prometheusrule.ts: do not edit.
# Regenerate: npx tsc -p . && node dist/scripts/gen-prometheusrule.js
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

/** The rule groups of a Prometheus rule file; throws with a clear message when it has none. */
export function parseRuleGroups(rulesText: string): RuleGroup[] {
  const doc: unknown = parse(rulesText);
  const groups = (doc as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new Error("rule file has no `groups:` list: is it a Prometheus rule file?");
  }
  for (const g of groups as RuleGroup[]) {
    if (typeof g?.name !== "string" || !Array.isArray(g.rules)) {
      throw new Error("every rule group needs a `name` and a `rules` list");
    }
  }
  return groups as RuleGroup[];
}

export function buildPrometheusRule(rulesText: string): PrometheusRule {
  return {
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
    spec: { groups: parseRuleGroups(rulesText) },
  };
}

export function renderPrometheusRule(rulesText: string): string {
  // lineWidth 0: never fold long lines, so exprs and descriptions stay as written.
  return HEADER + stringify(buildPrometheusRule(rulesText), { lineWidth: 0 });
}

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const [rulesFile = DEFAULT_RULES_FILE, outputFile = DEFAULT_OUTPUT_FILE] = argv.filter((a) => a !== "--check");
  let text: string;
  try {
    text = renderPrometheusRule(readFileSync(rulesFile, "utf8"));
  } catch (err) {
    console.error(`gen-prometheusrule: cannot read ${rulesFile}: ${(err as Error).message}`);
    return 2;
  }
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
