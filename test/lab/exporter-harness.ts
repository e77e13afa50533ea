// Runs the real exporter (config loader, collector, HTTP server on 127.0.0.1) against a
// lab's config file, and reads it the way Prometheus and Alertmanager would: over HTTP.
import { openRuntime } from "../../src/cli/runtime.js";
import { serve } from "../../src/cli/serve.js";
import { silentLogger } from "../../src/log.js";
import { randomBytes } from "node:crypto";
import { type Lab, type LabOptions, startLab } from "../../lab/lab.js";
import { missingTools, BASE_TOOLS, CLIENT_TOOLS, KEEPALIVED_TOOLS } from "../../lab/tools.js";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format -> samples (comments skipped; label values unescaped). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Samples of `name` whose labels include every given label. */
export function pick(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The single value of a series; undefined when absent. Throws when the labels match several. */
export function value(samples: readonly Sample[], name: string, labels: Record<string, string>): number | undefined {
  const found = pick(samples, name, labels);
  if (found.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

export interface RunningExporter {
  url: string;
  scrape(): Promise<Sample[]>;
  /** POST /remediate with the given bearer token; body is sent as JSON. */
  remediate(token: string, body?: unknown): Promise<{ status: number; json: RemediationJson }>;
  close(): Promise<void>;
}

export interface ActionJson {
  vip: string;
  from: { node: string | null; mac: string | null };
  to: { node: string; mac: string };
  status: "planned" | "sent" | "verified" | "failed" | "skipped";
  error?: string;
}

export interface RemediationJson {
  ok?: boolean;
  ran?: boolean;
  error?: string;
  actions?: ActionJson[];
  before?: { ratio: number; counts: Record<string, number> };
  after?: { ratio: number; counts: Record<string, number> } | null;
}

export async function startExporter(configFile: string): Promise<RunningExporter> {
  // env {}: the operator's VIP_ARP_REMEDIATE_TOKEN must not replace the lab's token file.
  const rt = await openRuntime({ configFile, env: {} });
  const serving = await serve(rt, { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500 }, silentLogger());
  const url = `http://127.0.0.1:${serving.web.listeners[0]!.port}`;
  return {
    url,
    async scrape() {
      const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) });
      if (res.status !== 200) throw new Error(`GET /metrics: ${res.status}`);
      return parseMetrics(await res.text());
    },
    async remediate(token, body = {}) {
      const res = await fetch(`${url}/remediate`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(90_000),
      });
      return { status: res.status, json: (await res.json()) as RemediationJson };
    },
    async close() {
      await serving.shutdown("SIGTERM");
      await rt.close();
    },
  };
}

/** moves / resolved VIPs, as DESIGN.md defines arp_imbalance_ratio, from per-node counts. */
export function imbalanceRatio(counts: readonly number[]): number {
  const r = counts.reduce((a, b) => a + b, 0);
  if (r === 0 || counts.length === 0) return 0;
  const hi = Math.ceil(r / counts.length);
  const lo = Math.floor(r / counts.length);
  const over = counts.reduce((a, c) => a + Math.max(0, c - hi), 0);
  const under = counts.reduce((a, c) => a + Math.max(0, lo - c), 0);
  return Math.max(over, under) / r;
}

/** Whether the lab can run here, and why not (for the suite's name). */
export function labAvailability(): { canRun: boolean; why: string; missing: string[]; isRoot: boolean } {
  const isRoot = process.getuid?.() === 0;
  const missing = missingTools([...BASE_TOOLS, ...KEEPALIVED_TOOLS, ...CLIENT_TOOLS]);
  return { canRun: isRoot && missing.length === 0, why: !isRoot ? "not root" : `missing ${missing.join(", ")}`, missing, isRoot };
}

/** The labs and exporters a test file starts, each test's torn down after it. */
export class LabSession {
  private readonly labs: Lab[] = [];
  private readonly exporters: RunningExporter[] = [];

  /** @param tag namespace prefix start (a random suffix makes each lab's unique) */
  constructor(private readonly tag: string, private readonly defaults: LabOptions = {}) {}

  async lab(opts: LabOptions = {}): Promise<Lab> {
    const l = await startLab({ prefix: `${this.tag}-${randomBytes(3).toString("hex")}`, subnetWaitMs: 120_000, ownedByProcess: true, ...this.defaults, ...opts });
    this.labs.push(l);
    return l;
  }

  async exporter(l: Lab): Promise<RunningExporter> {
    const e = await startExporter(l.configFile);
    this.exporters.push(e);
    return e;
  }

  /** Exporters first (their SSH sessions and SNMP sockets point into the lab), then the labs. */
  async teardown(): Promise<void> {
    for (const e of this.exporters.splice(0)) await e.close().catch(() => {});
    const errors: string[] = [];
    for (const l of this.labs.splice(0)) await l.down().catch((err: Error) => errors.push(err.message));
    if (errors.length) throw new Error(`lab teardown failed: ${errors.join("; ")}`);
  }
}
