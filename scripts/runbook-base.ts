// Points every runbook link at one base URL: the rules' runbook_url annotations (base + "#" +
// the alert's anchor), the rule tests that expect them, the dashboard's Runbook link, and the
// generated PrometheusRule, which is regenerated from the rewritten rules.
//   npm run runbook-base -- https://wiki.example.com/vip-arp-runbook     (from the repository root)
//   npm run runbook-base                                                 (prints the current base)
// The anchors stay those of docs/runbook.md: host a copy of it (or pages with the same anchors).
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { DEFAULT_OUTPUT_FILE, DEFAULT_RULES_FILE, renderPrometheusRule, type Result } from "./gen-prometheusrule.js";

/** The files that carry the base, besides the generated PrometheusRule. */
export const RUNBOOK_FILES = [DEFAULT_RULES_FILE, "alerts/vip-arp.rules.test.yml", "grafana/vip-arp.json"];

const RUNBOOK_URL_LINE = /^\s*runbook_url:\s*(\S+?)#([a-z0-9-]+)\s*$/gm;

/** The one base every runbook_url of a rule file uses, or why there is none. */
export function runbookBase(rulesText: string): Result<string> {
  const bases = new Set([...rulesText.matchAll(RUNBOOK_URL_LINE)].map((m) => m[1] as string));
  if (bases.size === 0) return { ok: false, error: "no `runbook_url: BASE#anchor` annotation found" };
  if (bases.size > 1) return { ok: false, error: `runbook_url annotations use ${bases.size} bases (${[...bases].join(", ")}): they must share one` };
  return { ok: true, value: [...bases][0] as string };
}

/** A base is an http(s) URL without fragment, spaces or quotes (it lands in YAML and JSON as is). */
export function checkBase(base: string): Result<string> {
  if (!/^https?:\/\/[^\s"'#<>\\]+$/.test(base)) {
    return { ok: false, error: `"${base}" is not a runbook base: give an http(s) URL without #anchor, spaces or quotes, e.g. https://wiki.example.com/vip-arp-runbook` };
  }
  return { ok: true, value: base };
}

/** The text with every occurrence of the old base replaced by the new one. */
export function rebase(text: string, from: string, to: string): string {
  return text.split(from).join(to);
}

function main(argv: string[]): number {
  const read = (f: string) => readFileSync(f, "utf8");
  const current = runbookBase(read(DEFAULT_RULES_FILE));
  if (!current.ok) {
    console.error(`runbook-base: ${DEFAULT_RULES_FILE}: ${current.error}`);
    return 2;
  }
  const [wanted] = argv;
  if (wanted === undefined) {
    console.log(current.value);
    return 0;
  }
  const next = checkBase(wanted);
  if (!next.ok) {
    console.error(`runbook-base: ${next.error}`);
    return 2;
  }
  for (const f of RUNBOOK_FILES) writeFileSync(f, rebase(read(f), current.value, next.value));
  const rule = renderPrometheusRule(read(DEFAULT_RULES_FILE));
  if (!rule.ok) {
    console.error(`runbook-base: ${DEFAULT_RULES_FILE}: ${rule.error}`);
    return 2;
  }
  writeFileSync(DEFAULT_OUTPUT_FILE, rule.value);
  console.log(`runbook-base: ${current.value} -> ${next.value} in ${[...RUNBOOK_FILES, DEFAULT_OUTPUT_FILE].join(", ")}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
