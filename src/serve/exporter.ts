// The long-running exporter: the current config with its collector, the remediator, the
// web front, and what happens on reload and shutdown.
//
// Reload (SIGHUP, POST /-/reload): the config file and the web config file are read and
// validated again. A valid config is swapped in at once for new requests; a scrape or a
// remediation in flight finishes on the old one; routers and nodes whose settings did not
// change keep their sources (SSH connections, SNMP sessions); removed ones are closed once
// nothing reads them. An invalid config keeps the old one, logs why, and /-/reload says it.
//
// Shutdown (SIGTERM, SIGINT): stop accepting connections, let a remediation in flight finish
// (bounded), answer its client, write its audit record, close every session.
import { Registry } from "prom-client";
import { createCollector } from "../collect/collector.js";
import { SourcePool } from "../collect/sources.js";
import type { Collector } from "../collect/types.js";
import { loadConfigFile } from "../config/load.js";
import type { Config } from "../config/types.js";
import { createApp, type App, type AppState } from "../http/app.js";
import { loadWebConfigFile, type WebConfig } from "../http/web-config.js";
import type { Logger } from "../log.js";
import { ExporterMetrics } from "../metrics/exporter-metrics.js";
import { ReloadMetrics } from "../metrics/reload-metrics.js";
import { ReconcilerMetrics } from "../reconcile/metrics.js";
import { Reconciler } from "../reconcile/reconciler.js";
import { createRemediationMetrics } from "../remediate/metrics.js";
import { Remediator } from "../remediate/remediator.js";
import { createRunMetrics } from "../remediate/run-metrics.js";
import { isRemediateRequest } from "./remediate-request.js";
import { runBoundMs } from "./run-bound.js";
import { WebFront } from "./web-front.js";
import { watchFiles, webConfigFiles, type FileWatch } from "./watch-files.js";

export interface ExporterOptions {
  config: Config;
  /** The config file to re-read on reload; null for a simulation (nothing to reload). */
  configFile: string | null;
  /** --web.config.file; re-read on reload and when it (or a file it names) changes on disk. */
  webConfigFile?: string;
  webConfig: WebConfig;
  listenAddresses: string[];
  telemetryPath: string;
  timeoutOffsetMs: number;
  banner?: string;
  log: Logger;
  /** How often files of the web config are checked for changes (ms). */
  webWatchIntervalMs?: number;
}

export class Exporter {
  readonly registry = new Registry();
  private readonly log: Logger;
  private readonly pool: SourcePool;
  private readonly metrics: ExporterMetrics;
  private readonly reloadMetrics: ReloadMetrics;
  readonly remediator: Remediator;
  /** remediation.mode plan/auto and refresh_interval: acts by itself (one exporter per L2 segment). */
  readonly reconciler: Reconciler;
  private state: AppState;
  private readonly appHandle: App;
  readonly web: WebFront;
  private reloading: Promise<void> = Promise.resolve();
  private watch: FileWatch | null = null;
  private stopping = false;

  constructor(private readonly opts: ExporterOptions) {
    this.log = opts.log;
    const config = opts.config;
    this.pool = new SourcePool(this.log);
    const collector = this.collectorFor(config);
    this.metrics = new ExporterMetrics(this.registry, config);
    this.reloadMetrics = new ReloadMetrics(this.registry);
    this.remediator = new Remediator({
      config,
      collector,
      log: this.log,
      metrics: createRemediationMetrics(this.registry),
      runMetrics: createRunMetrics(this.registry),
    });
    this.state = { config, collector, remediator: this.remediator };
    this.reconciler = new Reconciler({
      state: () => this.state,
      remediator: this.remediator,
      log: this.log,
      metrics: new ReconcilerMetrics(this.registry),
    });
    this.appHandle = createApp({
      state: () => this.state,
      registry: this.registry,
      metrics: this.metrics,
      log: this.log,
      telemetryPath: opts.telemetryPath,
      timeoutOffsetMs: opts.timeoutOffsetMs,
      ...(opts.banner ? { banner: opts.banner } : {}),
      ...(opts.configFile !== null || opts.webConfigFile ? { reload: () => this.reload("POST /-/reload") } : {}),
    });
    this.web = new WebFront(opts.webConfig, this.appHandle.app, this.log, isRemediateRequest);
  }

  get config(): Config {
    return this.state.config;
  }

  /** The port of the first listener (the one --web.listen-address named first). */
  get port(): number {
    return this.web.listeners[0]?.port ?? 0;
  }

  get collector(): Collector {
    return this.state.collector;
  }

  private collectorFor(config: Config): Collector {
    return createCollector(config, this.log, this.pool.take(config).sources);
  }

  async start(): Promise<void> {
    await this.web.listen(this.opts.listenAddresses);
    if (this.opts.webConfigFile) {
      const file = this.opts.webConfigFile;
      this.watch = watchFiles(webConfigFiles(file, this.web.webConfig), this.opts.webWatchIntervalMs ?? 2_000, () => {
        void this.reloadWeb("web config files changed on disk").catch(() => undefined);
      });
    }
    // Warm up: the first collection opens SSH connections and runs SNMP discovery.
    void this.state.collector.collect().then(
      (c) => {
        this.metrics.render(c);
        this.appHandle.markReady();
      },
      () => this.appHandle.markReady(),
    );
    this.reconciler.start();
  }

  /** Reads and applies the config and web config again; rejects (keeping the old ones) when either is invalid. */
  reload(why: string): Promise<void> {
    // One reload at a time, in the order they were asked for.
    const next = this.reloading.then(() => this.reloadNow(why));
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private async reloadNow(why: string): Promise<void> {
    if (this.stopping) throw new Error("the exporter is shutting down");
    let config: Config | null = null;
    let web: WebConfig | null = null;
    try {
      if (this.opts.configFile !== null) config = loadConfigFile(this.opts.configFile);
      if (this.opts.webConfigFile) web = loadWebConfigFile(this.opts.webConfigFile);
      if (web) this.web.apply(web);
    } catch (err) {
      this.reloadMetrics.failed();
      this.log.error({ reason: why, err: (err as Error).message }, "reload failed: the previous config stays in use");
      throw err;
    }
    if (web && this.watch) this.watch.setFiles(webConfigFiles(this.opts.webConfigFile!, web));
    if (config) this.swap(config);
    this.reloadMetrics.succeeded();
    this.log.info({ reason: why, config: this.opts.configFile, webConfig: this.opts.webConfigFile ?? null }, "config reloaded");
  }

  private reloadWeb(why: string): Promise<void> {
    const next = this.reloading.then(() => {
      try {
        const web = loadWebConfigFile(this.opts.webConfigFile!);
        this.web.apply(web);
        this.watch?.setFiles(webConfigFiles(this.opts.webConfigFile!, web));
        this.log.info({ reason: why, webConfig: this.opts.webConfigFile }, "web config reloaded");
      } catch (err) {
        this.log.error({ reason: why, err: (err as Error).message }, "web config reload failed: the previous web config stays in use");
        throw err;
      }
    });
    this.reloading = next.catch(() => undefined);
    return next;
  }

  /** The new config for every request from now on; the old sources that are gone close once idle. */
  private swap(config: Config): void {
    const old = this.state.collector;
    const { sources, retired } = this.pool.take(config);
    const collector = createCollector(config, this.log, sources);
    this.remediator.setContext(config, collector);
    this.metrics.setConfig(config);
    this.state = { config, collector, remediator: this.remediator };
    // A reload closes the reconciler's circuit breakers and applies a new mode or interval.
    this.reconciler.reconfigure(config);
    if (retired.length === 0) return;
    void (async () => {
      await old.drain();
      await this.remediator.idle();
      await Promise.allSettled(retired.map((s) => s.close()));
      this.log.debug({ closed: retired.map((s) => s.name) }, "sources of the previous config closed");
    })();
  }

  /** A second signal: the process exits now; a run in flight is recorded as interrupted. */
  abort(signal: string): void {
    this.remediator.recordInterrupted(signal);
  }

  /**
   * Graceful stop: no new connections; a remediation in flight may finish within its bound
   * (its client gets the answer, the audit record is written); then every session closes.
   * Resolves "interrupted" when the bound passed first (the caller records it and exits).
   */
  async shutdown(signal: string): Promise<"clean" | "interrupted"> {
    this.stopping = true;
    this.watch?.close();
    // Nothing new starts: no reconciler collection, no run (a notification waiting for one gets 503).
    const reconcilerStopped = this.reconciler.stop();
    this.remediator.stop();
    const closed = this.web.close();
    let outcome: "clean" | "interrupted" = "clean";
    if (this.remediator.running) {
      const bound = runBoundMs(this.state.config, this.remediator.progress);
      this.log.info({ signal, waitMs: bound }, "waiting for the remediation run in flight to finish");
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), bound);
      });
      const r = await Promise.race([this.remediator.idle().then(() => "done" as const), late]);
      clearTimeout(timer);
      if (r === "late") {
        // The run is still going: record what went out now, before anything is torn down.
        this.remediator.recordInterrupted(`${signal} (the run did not finish within ${bound} ms)`);
        outcome = "interrupted";
      }
    }
    await Promise.race([reconcilerStopped, new Promise<void>((r) => setTimeout(r, 2_000).unref())]);
    // Let responses in flight (the remediation's answer) go out, then drop what is left.
    await Promise.race([closed, new Promise<void>((r) => setTimeout(r, 2_000).unref())]);
    this.web.destroy();
    // Reads still in flight (a hung router) are not waited for: closing their sessions ends them.
    await Promise.allSettled(this.pool.all().map((s) => s.close()));
    return outcome;
  }
}
