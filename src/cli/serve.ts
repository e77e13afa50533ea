// `vip-arp-exporter` (serve): the exporter's HTTP(S) server over a config or a simulation.
import type { IncomingMessage, RequestListener, Server } from "node:http";
import { Registry } from "prom-client";
import { createCollector } from "../collect/collector.js";
import { createApp } from "../http/app.js";
import { basicAuthGate } from "../http/basic-auth.js";
import { createWebServer, NO_WEB_CONFIG, type WebConfig } from "../http/web-config.js";
import type { Logger } from "../log.js";
import { ExporterMetrics } from "../metrics/exporter-metrics.js";
import { createRemediationMetrics } from "../remediate/metrics.js";
import { Remediator } from "../remediate/remediator.js";
import { parseListenAddress } from "./listen-address.js";
import type { Runtime } from "./runtime.js";

export interface ServeOptions {
  listenAddress: string;
  telemetryPath: string;
  /** --web.config.file: TLS and basic auth; none means plain HTTP without auth. */
  webConfig?: WebConfig;
}

export interface Serving {
  server: Server;
  port: number;
  scheme: "http" | "https";
  close(): Promise<void>;
}

// Basic auth guards every route except POST /remediate, which keeps its own bearer token:
// Alertmanager's webhook sends that token in the Authorization header, the same header basic
// auth needs, so a request cannot carry both. Matched like express routes it (case-insensitive,
// optional trailing slash); anything else with that path still needs basic auth.
export function isRemediateRequest(req: IncomingMessage): boolean {
  return req.method === "POST" && /^\/remediate\/?$/i.test((req.url ?? "").split("?")[0]!);
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
  const remediator = new Remediator({ config, collector, log, metrics: createRemediationMetrics(registry) });
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
  const web = opts.webConfig ?? NO_WEB_CONFIG;
  let handler: RequestListener = app;
  if (web.basicAuthUsers) {
    const gate = basicAuthGate(web.basicAuthUsers, { log, exempt: isRemediateRequest });
    handler = (req, res) => gate(req, res, () => app(req, res));
  }
  const server = createWebServer(web.tls, handler);
  await new Promise<void>((resolve, reject) => {
    server.listen(port, host ?? "", () => resolve());
    server.once("error", (err: NodeJS.ErrnoException) =>
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
  const scheme = web.tls ? "https" : "http";
  log.info({ address: opts.listenAddress, port: bound, scheme, basicAuth: web.basicAuthUsers ? web.basicAuthUsers.size : "off", telemetryPath: opts.telemetryPath, config: config.source, remediation: config.remediation.token ? `enabled (${config.remediation.tokenSource})` : "disabled" }, "listening");
  return {
    server,
    port: bound,
    scheme,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await collector.close();
    },
  };
}
