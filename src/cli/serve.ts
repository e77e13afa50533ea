// `vip-arp-exporter` (serve): the exporter's HTTP server over a config or a simulation.
import type { Server } from "node:http";
import { Registry } from "prom-client";
import { createCollector } from "../collect/collector.js";
import { createApp } from "../http/app.js";
import type { Logger } from "../log.js";
import { ExporterMetrics } from "../metrics/exporter-metrics.js";
import { createRemediationMetrics } from "../remediate/metrics.js";
import { Remediator } from "../remediate/remediator.js";
import { parseListenAddress } from "./listen-address.js";
import type { Runtime } from "./runtime.js";

export interface ServeOptions {
  listenAddress: string;
  telemetryPath: string;
}

export interface Serving {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function serve(rt: Runtime, opts: ServeOptions, log: Logger): Promise<Serving> {
  const { host, port } = parseListenAddress(opts.listenAddress);
  if (!opts.telemetryPath.startsWith("/") || opts.telemetryPath === "/") {
    throw new Error(`--web.telemetry-path "${opts.telemetryPath}" must start with "/" and not be "/"`);
  }
  const config = rt.config;
  const registry = new Registry();
  const metrics = new ExporterMetrics(registry, config);
  const collector = createCollector(config, log);
  const remediator = new Remediator({ config, collector, log, metrics: createRemediationMetrics(registry, config) });
  const { app, markReady } = createApp({
    collector,
    registry,
    metrics,
    log,
    telemetryPath: opts.telemetryPath,
    remediator,
    token: config.remediation.token,
    maxBodyBytes: config.remediation.maxBodyBytes,
    banner: rt.banner ?? undefined,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host ?? "", () => resolve(s));
    s.once("error", (err: NodeJS.ErrnoException) =>
      reject(new Error(`cannot listen on ${opts.listenAddress}: ${err.code ?? err.message}${err.code === "EADDRINUSE" ? " (another process uses the port: pick another with --web.listen-address)" : ""}`)),
    );
  });
  const addr = server.address();
  const bound = typeof addr === "object" && addr ? addr.port : port;
  // Warm up: the first collection opens SSH connections and runs SNMP discovery.
  void collector.collect().then(
    (c) => {
      metrics.render(c);
      markReady();
    },
    () => markReady(),
  );
  log.info({ address: opts.listenAddress, port: bound, telemetryPath: opts.telemetryPath, config: config.source, remediation: config.remediation.token ? `enabled (${config.remediation.tokenSource})` : "disabled" }, "listening");
  return {
    server,
    port: bound,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await collector.close();
    },
  };
}
