// The HTTP surface: "/", the metrics path, /-/healthy, /-/ready and POST /remediate.
import express, { type Express } from "express";
import type { Registry } from "prom-client";
import type { Collection, Collector } from "../collect/types.js";
import type { Logger } from "../log.js";
import type { ExporterMetrics } from "../metrics/exporter-metrics.js";
import type { Remediator } from "../remediate/remediator.js";
import { remediateRoute } from "./remediate-route.js";
import { StatusPage } from "./status/status-page.js";

export interface AppOptions {
  collector: Collector;
  registry: Registry;
  metrics: ExporterMetrics;
  log: Logger;
  telemetryPath?: string;
  remediator: Remediator;
  token: string | null;
  maxBodyBytes: number;
  /** Shown on the landing page (demo mode says so). */
  banner?: string;
}

export interface App {
  app: Express;
  /** Becomes true after the first collection finished (successful or not). */
  ready(): boolean;
  markReady(): void;
}

export function createApp(opts: AppOptions): App {
  const telemetryPath = opts.telemetryPath ?? "/metrics";
  const app = express();
  app.disable("x-powered-by");
  let last: Collection | null = null;
  let ready = false;
  const status = new StatusPage({ remediator: opts.remediator, telemetryPath, remediation: opts.token !== null, banner: opts.banner });

  app.get("/", (_req, res) => {
    res.type("html").send(status.render(last));
  });

  // Concurrent scrapes share one collection, and so one rendering of it.
  let rendered: { collection: Collection; text: Promise<string> } | null = null;
  app.get(telemetryPath, async (_req, res) => {
    try {
      const c = await opts.collector.collect();
      last = c;
      status.scraped(c);
      ready = true;
      if (rendered?.collection !== c) {
        opts.metrics.render(c);
        rendered = { collection: c, text: opts.registry.metrics() };
      }
      res.type(opts.registry.contentType).send(await rendered.text);
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

  app.use(remediateRoute({ remediator: opts.remediator, token: opts.token, log: opts.log, maxBodyBytes: opts.maxBodyBytes }));

  return {
    app,
    ready: () => ready,
    markReady: () => {
      ready = true;
    },
  };
}
