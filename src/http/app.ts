// The HTTP surface: "/", the metrics path, /-/healthy, /-/ready, /-/reload and POST /remediate.
// Every request reads the current state once (config, collector, remediator), so a reload
// swaps all three at once and a request in flight finishes on the ones it started with.
import express, { type Express } from "express";
import type { Registry } from "prom-client";
import type { Collection, Collector } from "../collect/types.js";
import type { Config } from "../config/types.js";
import type { Logger } from "../log.js";
import type { ExporterMetrics } from "../metrics/exporter-metrics.js";
import type { Remediator } from "../remediate/remediator.js";
import { acceptsGzip, Exposition, negotiateFormat } from "./exposition.js";
import { remediateRoute } from "./remediate-route.js";
import { scrapeBudgetMs } from "./scrape-budget.js";
import { StatusPage } from "./status/status-page.js";

export interface AppState {
  config: Config;
  collector: Collector;
  remediator: Remediator;
}

export interface AppOptions {
  /** The current state; read once per request. */
  state: () => AppState;
  registry: Registry;
  metrics: ExporterMetrics;
  log: Logger;
  telemetryPath?: string;
  /** --web.timeout-offset: a scrape answers this long before Prometheus' own timeout. */
  timeoutOffsetMs?: number;
  /** Shown on the landing page (demo mode says so). */
  banner?: string;
  /** POST /-/reload; absent: the route answers that there is nothing to reload. */
  reload?: () => Promise<void>;
}

export interface App {
  app: Express;
  /** Becomes true after the first collection finished (successful or not). */
  ready(): boolean;
  markReady(): void;
}

/** State over fixed parts (tests, one-shot tools). */
export function fixedState(state: AppState): () => AppState {
  return () => state;
}

export function createApp(opts: AppOptions): App {
  const telemetryPath = opts.telemetryPath ?? "/metrics";
  const offsetMs = opts.timeoutOffsetMs ?? 500;
  const app = express();
  app.disable("x-powered-by");
  let last: Collection | null = null;
  let ready = false;
  // The remediator object lives across reloads; whether /remediate is enabled is read per render.
  const status = new StatusPage({
    remediator: opts.state().remediator,
    telemetryPath,
    remediation: () => opts.state().config.remediation.token !== null,
    ...(opts.banner !== undefined ? { banner: opts.banner } : {}),
  });

  app.get("/", (_req, res) => {
    res.type("html").send(status.render(last));
  });

  const exposition = new Exposition(opts.registry);

  // A HEAD asks whether the endpoint is there, not for a collection.
  app.head(telemetryPath, (req, res) => {
    res.status(200).type(exposition.contentType(negotiateFormat(req.get("accept")))).end();
  });

  // Concurrent scrapes share one collection, and so one rendering of it per format.
  let renderedFrom: Collection | null = null;
  app.get(telemetryPath, async (req, res) => {
    const { config, collector } = opts.state();
    try {
      const budgetMs = scrapeBudgetMs(req.get("X-Prometheus-Scrape-Timeout-Seconds"), offsetMs, config.scrapeTimeoutMs);
      const c = await collector.collect({ budgetMs });
      last = c;
      status.scraped(c);
      ready = true;
      if (renderedFrom !== c) {
        opts.metrics.render(c);
        renderedFrom = c;
      }
      const out = await exposition.render(c, negotiateFormat(req.get("accept")), acceptsGzip(req.get("accept-encoding")));
      res.set("Content-Type", out.contentType).set("Vary", "Accept, Accept-Encoding");
      if (out.encoding) res.set("Content-Encoding", out.encoding);
      res.send(out.body);
    } catch (err) {
      opts.log.error({ err }, "collection failed");
      res.status(500).type("text").send(`collection failed: ${(err as Error).message}\n`);
    }
  });

  app.get("/-/healthy", (_req, res) => {
    res.type("text").send("vip-arp-exporter is Healthy.\n");
  });
  app.get("/-/ready", (_req, res) => {
    if (ready) res.type("text").send("vip-arp-exporter is Ready.\n");
    else res.status(503).type("text").send("vip-arp-exporter is not ready: the first collection has not finished.\n");
  });

  // As in Prometheus: POST or PUT re-reads the config file and the web config file.
  app.post("/-/reload", reloadHandler);
  app.put("/-/reload", reloadHandler);
  async function reloadHandler(_req: express.Request, res: express.Response): Promise<void> {
    if (!opts.reload) {
      res.type("text").send("nothing to reload: running on a simulated segment without a config file\n");
      return;
    }
    try {
      await opts.reload();
      res.type("text").send("config reloaded\n");
    } catch (err) {
      res.status(500).type("text").send(`reload failed, the previous config stays in use: ${(err as Error).message}\n`);
    }
  }

  app.use(remediateRoute({ state: opts.state, log: opts.log }));

  return {
    app,
    ready: () => ready,
    markReady: () => {
      ready = true;
    },
  };
}
