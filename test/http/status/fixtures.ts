// Collections for the status page tests, built from the model's fixtures by the real analyze().
import type { Collection, SourceResult } from "../../../src/collect/types.js";
import { analyze } from "../../../src/model/analyze.js";
import { plan } from "../../../src/model/plan.js";
import type { Observation } from "../../../src/model/types.js";
import { renderStatusPage, type StatusView } from "../../../src/http/status/page.js";
import { DEFAULT_RUNBOOK_URL } from "../../../src/http/status/links.js";
import { parseHtml, type El } from "./parse-html.js";

export const AT = new Date("2026-05-01T12:00:00.000Z");

export function sourcesOf(obs: Observation): SourceResult[] {
  return [
    ...obs.routers.map((r) => ({
      collector: "snmp",
      target: r.name,
      success: r.reading !== null,
      durationSeconds: 0.012,
      ...(r.error !== undefined ? { error: r.error } : {}),
    })),
    ...obs.nodes.map((n) => ({
      collector: "node",
      target: n.name,
      success: n.up,
      durationSeconds: 1.5,
      ...(n.error !== undefined ? { error: n.error } : {}),
    })),
  ];
}

export function collectionOf(obs: Observation, at: Date = AT): Collection {
  return { observation: obs, analysis: analyze(obs), sources: sourcesOf(obs), at };
}

/** The page of one collection, as the app would render it, with the clock at `now`. */
export function view(c: Collection | null, over: Partial<StatusView> = {}): StatusView {
  return {
    version: "9.9.9",
    now: c?.at ?? AT,
    collection: c,
    plan: c ? plan(c.analysis) : null,
    scrapeIntervalSeconds: 30,
    lastErrors: new Map(),
    runs: [],
    telemetryPath: "/metrics",
    runbookUrl: DEFAULT_RUNBOOK_URL,
    remediation: true,
    ...over,
  };
}

export const page = (v: StatusView): El => parseHtml(renderStatusPage(v));
