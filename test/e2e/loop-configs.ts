// Prometheus and Alertmanager configurations of the closed-loop test. Pure: text in, text out.
// The Alertmanager one is derived from the shipped deploy/alertmanager/alertmanager.yml, so the
// loop exercises its routes, receivers and inhibit rules, with only what must differ changed.
import { parse, stringify } from "yaml";
import type { Result } from "./rules-for-test.js";

/** The job name of deploy/prometheus/prometheus.yml, which VIPARPExporterDown matches. */
export const JOB = "vip-arp-exporter";

export interface PrometheusConfigOptions {
  exporter: string;
  alertmanager: string;
  rulesFile: string;
}

export function prometheusConfig(o: PrometheusConfigOptions): string {
  return stringify({
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    rule_files: [o.rulesFile],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [o.alertmanager] }] }] },
    scrape_configs: [{ job_name: JOB, static_configs: [{ targets: [o.exporter] }] }],
  });
}

export interface AlertmanagerConfigOptions {
  /** http://127.0.0.1:PORT/remediate of the exporter under test. */
  remediateUrl: string;
  credentialsFile: string;
  groupWait?: string;
  groupInterval?: string;
  /** Long, so a repeat never lands inside the test. */
  repeatInterval?: string;
}

export interface AlertmanagerForTest {
  text: string;
  /** Receivers whose webhook now points at the exporter. */
  remediateReceivers: string[];
  /** Receiver integrations removed because they would leave 127.0.0.1. */
  removed: string[];
}

const pathOf = (url: string): string | null => {
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
};

interface Route {
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
  [key: string]: unknown;
}

type Receiver = { name?: string; webhook_configs?: Array<Record<string, unknown>> } & Record<string, unknown>;

/**
 * The shipped config with: every webhook that calls /remediate pointed at the exporter under
 * test with the test's token file; every other integration removed (the test talks to
 * 127.0.0.1 only); every route's timers shortened. An error when no receiver calls /remediate.
 */
export function alertmanagerConfigForTest(shippedText: string, o: AlertmanagerConfigOptions): Result<AlertmanagerForTest> {
  let doc: { route?: Route; receivers?: Receiver[] } & Record<string, unknown>;
  try {
    doc = parse(shippedText) as typeof doc;
  } catch (err) {
    return { ok: false, error: `not valid YAML: ${(err as Error).message}` };
  }
  if (!doc?.route || !Array.isArray(doc.receivers)) return { ok: false, error: "no `route` or no `receivers`: is this an Alertmanager config?" };
  const remediateReceivers: string[] = [];
  const removed: string[] = [];
  for (const r of doc.receivers) {
    for (const key of Object.keys(r).filter((k) => k.endsWith("_configs"))) {
      if (key !== "webhook_configs") {
        removed.push(`${r.name}.${key}`);
        delete r[key];
        continue;
      }
      const hooks = (r.webhook_configs ?? []).filter((w) => {
        const keep = typeof w.url === "string" && pathOf(w.url) === "/remediate";
        if (!keep) removed.push(`${r.name}.webhook_configs(${String(w.url)})`);
        return keep;
      });
      for (const w of hooks) {
        w.url = o.remediateUrl;
        const http = (w.http_config ?? {}) as { authorization?: Record<string, unknown> };
        if (!http.authorization?.credentials_file) {
          return { ok: false, error: `receiver ${r.name}: its /remediate webhook has no http_config.authorization.credentials_file` };
        }
        http.authorization.credentials_file = o.credentialsFile;
      }
      if (hooks.length > 0) remediateReceivers.push(String(r.name));
      if (hooks.length > 0) r.webhook_configs = hooks;
      else delete r.webhook_configs;
    }
  }
  if (remediateReceivers.length === 0) return { ok: false, error: "no receiver has a webhook that calls /remediate" };
  const shorten = (route: Route) => {
    // Children inherit the root's timers unless they set their own: set them where they are set.
    for (const [key, value] of [
      ["group_wait", o.groupWait ?? "1s"],
      ["group_interval", o.groupInterval ?? "1s"],
      ["repeat_interval", o.repeatInterval ?? "1h"],
    ] as const) {
      if (route === doc.route || route[key] !== undefined) route[key] = value;
    }
    for (const child of route.routes ?? []) shorten(child);
  };
  shorten(doc.route);
  return { ok: true, value: { text: stringify(doc, { lineWidth: 0 }), remediateReceivers, removed } };
}
