// The closed loop on 127.0.0.1: the exporter (in-process, over the simulated segment of the
// DESIGN.md example), a real Alertmanager whose webhook is the exporter's /remediate, and a real
// Prometheus scraping the exporter every second with the shortened rule copy. Everything
// started is recorded at once, so stop() cleans up after a partial start too.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino, type Logger } from "pino";
import { serve } from "../../src/cli/serve.js";
import { defaultScenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation } from "../../src/sim/start.js";
import { alertmanagerConfigForTest, prometheusConfig } from "./loop-configs.js";
import { startOnFreePort, stopDaemon, type Daemon } from "./procs.js";
import { PromClient } from "./prom-api.js";
import { rulesForTest, type ShortenedRule } from "./rules-for-test.js";

const repoFile = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));
export const SHIPPED_RULES = repoFile("alerts/vip-arp.rules.yml");
export const SHIPPED_ALERTMANAGER = repoFile("deploy/alertmanager/alertmanager.yml");
export const DASHBOARD = repoFile("grafana/vip-arp.json");

export interface Binaries {
  prometheus: string;
  alertmanager: string;
}

const LOG_KEEP = 60;

export class ClosedLoop {
  tmp = "";
  tokenFile = "";
  auditFile = "";
  sim: Simulation | null = null;
  exporterPort = 0;
  prometheus: Daemon | null = null;
  alertmanager: Daemon | null = null;
  prom: PromClient | null = null;
  alertmanagerUrl = "";
  rules: ShortenedRule[] = [];
  remediateReceivers: string[] = [];
  /** The router's entries right after the exporter started, before Prometheus existed. */
  initialEntries: Record<string, string | undefined> = {};
  /** Seconds since the epoch when Prometheus was ready (start of dashboard range queries). */
  startedAt = 0;
  private readonly logLines: string[] = [];
  private readonly cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];

  constructor(private readonly bins: Binaries) {}

  async start(): Promise<void> {
    this.tmp = mkdtempSync(join(tmpdir(), "vip-arp-closed-loop-"));
    this.cleanups.push({ what: `remove ${this.tmp}`, run: async () => rmSync(this.tmp, { recursive: true, force: true }) });
    const token = randomBytes(16).toString("hex");
    this.tokenFile = join(this.tmp, "remediate-token");
    writeFileSync(this.tokenFile, token, { mode: 0o600 });
    this.auditFile = join(this.tmp, "audit.jsonl");

    // The exporter, as `serve` runs it, with an audit file the test can read.
    const sim = await startSimulation(defaultScenario(), {
      source: "<closed-loop test: DESIGN.md example>",
      remediation: { token, tokenSource: "env", auditLogFile: this.auditFile },
    });
    this.sim = sim;
    this.cleanups.push({ what: "simulated segment", run: () => sim.stop() });
    for (const vip of sim.config.vips) this.initialEntries[vip] = sim.segment.routerMac("core-s1", vip);
    const runtime = { config: sim.config, sim, tokenFile: this.tokenFile, banner: null, close: () => sim.stop() };
    const serving = await serve(runtime, { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500 }, this.logger());
    this.cleanups.push({ what: "exporter HTTP server", run: () => serving.shutdown("SIGTERM").then(() => undefined) });
    this.exporterPort = serving.web.listeners[0]!.port;

    const rules = rulesForTest(readFileSync(SHIPPED_RULES, "utf8"));
    if (!rules.ok) throw new Error(`cannot shorten ${SHIPPED_RULES}: ${rules.error}`);
    this.rules = rules.value.rules;
    const rulesFile = join(this.tmp, "vip-arp.rules.yml");
    writeFileSync(rulesFile, rules.value.text);

    const am = alertmanagerConfigForTest(readFileSync(SHIPPED_ALERTMANAGER, "utf8"), {
      remediateUrl: `http://127.0.0.1:${this.exporterPort}/remediate`,
      credentialsFile: this.tokenFile,
    });
    if (!am.ok) throw new Error(`cannot adapt ${SHIPPED_ALERTMANAGER} for the test: ${am.error}`);
    this.remediateReceivers = am.value.remediateReceivers;
    const amConfig = join(this.tmp, "alertmanager.yml");
    writeFileSync(amConfig, am.value.text);
    mkdirSync(join(this.tmp, "alertmanager"));
    const amStarted = await startOnFreePort(
      "alertmanager",
      this.bins.alertmanager,
      (port) => [
        `--config.file=${amConfig}`,
        `--storage.path=${join(this.tmp, "alertmanager")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Empty: no cluster listener, no gossip.
        "--cluster.listen-address=",
        "--log.level=warn",
      ],
      "/-/ready",
      { cwd: this.tmp },
    );
    this.alertmanager = amStarted.daemon;
    this.cleanups.push({ what: `alertmanager pid ${amStarted.daemon.pid}`, run: () => stopDaemon(amStarted.daemon) });
    this.alertmanagerUrl = `http://127.0.0.1:${amStarted.port}`;

    const promConfig = join(this.tmp, "prometheus.yml");
    writeFileSync(
      promConfig,
      prometheusConfig({ exporter: `127.0.0.1:${this.exporterPort}`, alertmanager: `127.0.0.1:${amStarted.port}`, rulesFile }),
    );
    const promStarted = await startOnFreePort(
      "prometheus",
      this.bins.prometheus,
      (port) => [
        `--config.file=${promConfig}`,
        `--storage.tsdb.path=${join(this.tmp, "prometheus")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      "/-/ready",
      { cwd: this.tmp },
    );
    this.prometheus = promStarted.daemon;
    this.cleanups.push({ what: `prometheus pid ${promStarted.daemon.pid}`, run: () => stopDaemon(promStarted.daemon) });
    this.prom = new PromClient(`http://127.0.0.1:${promStarted.port}`);
    this.startedAt = Date.now() / 1000;
  }

  /** Stops everything started, newest first; reports every failure, after trying them all. */
  async stop(): Promise<void> {
    const errors: string[] = [];
    for (const c of this.cleanups.reverse()) {
      try {
        await c.run();
      } catch (err) {
        errors.push(`${c.what}: ${(err as Error).message}`);
      }
    }
    this.cleanups.length = 0;
    if (errors.length > 0) throw new Error(`closed-loop cleanup failed: ${errors.join("; ")}`);
  }

  /** Audit records of remediation runs (JSON lines), oldest first. */
  auditRecords(): Array<Record<string, unknown>> {
    let text = "";
    try {
      text = readFileSync(this.auditFile, "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** What a failure message needs to be understood without rerunning. */
  diagnostics(): string {
    const audit = (() => {
      try {
        return readFileSync(this.auditFile, "utf8").trim() || "(empty)";
      } catch {
        return "(no audit file)";
      }
    })();
    return [
      `router entries now: ${JSON.stringify(Object.fromEntries((this.sim?.config.vips ?? []).map((v) => [v, this.sim?.segment.routerMac("core-s1", v)])))}`,
      `audit log:\n${audit}`,
      `exporter log (last lines):\n${this.logLines.join("")}`,
      `alertmanager output:\n${this.alertmanager?.output() || "(none)"}`,
      `prometheus output:\n${this.prometheus?.output() || "(none)"}`,
    ].join("\n");
  }

  /** The exporter's log, kept in memory for diagnostics() (the token is never logged). */
  private logger(): Logger {
    return pino(
      { level: "info", base: undefined },
      {
        write: (line: string) => {
          this.logLines.push(line);
          if (this.logLines.length > LOG_KEEP) this.logLines.shift();
        },
      },
    );
  }
}
