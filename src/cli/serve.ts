// `vip-arp-exporter` (serve): the exporter's HTTP(S) listeners over a config or a simulation,
// until a signal stops it (src/cli/signals.ts).
import type { WebConfig } from "../http/web-config.js";
import { NO_WEB_CONFIG } from "../http/web-config.js";
import type { Logger } from "../log.js";
import { Exporter } from "../serve/exporter.js";
import type { Runtime } from "./runtime.js";
import { untilShutdown } from "./signals.js";

export { isRemediateRequest } from "../serve/remediate-request.js";

export interface ServeOptions {
  listenAddresses: string[];
  telemetryPath: string;
  timeoutOffsetMs: number;
  /** --web.config.file: TLS and basic auth; none means plain HTTP without auth. */
  webConfigFile?: string;
  webConfig?: WebConfig;
  /** The config file to re-read on SIGHUP and POST /-/reload (none for simulations). */
  configFile?: string;
  webWatchIntervalMs?: number;
}

export async function serve(rt: Runtime, opts: ServeOptions, log: Logger): Promise<Exporter> {
  if (!opts.telemetryPath.startsWith("/") || opts.telemetryPath === "/") {
    throw new Error(`--web.telemetry-path "${opts.telemetryPath}" must start with "/" and not be "/"`);
  }
  const exporter = new Exporter({
    config: rt.config,
    configFile: opts.configFile ?? null,
    ...(opts.webConfigFile ? { webConfigFile: opts.webConfigFile } : {}),
    webConfig: opts.webConfig ?? NO_WEB_CONFIG,
    listenAddresses: opts.listenAddresses,
    telemetryPath: opts.telemetryPath,
    timeoutOffsetMs: opts.timeoutOffsetMs,
    ...(rt.banner ? { banner: rt.banner } : {}),
    log,
    ...(opts.webWatchIntervalMs ? { webWatchIntervalMs: opts.webWatchIntervalMs } : {}),
  });
  await exporter.start();
  const config = rt.config;
  const web = exporter.web;
  log.info(
    {
      addresses: web.listeners.map((l) => `${l.address} (port ${l.port})`),
      scheme: web.scheme,
      basicAuth: web.webConfig.basicAuthUsers ? web.webConfig.basicAuthUsers.size : "off",
      telemetryPath: opts.telemetryPath,
      config: config.source,
      remediation: config.remediation.token ? `enabled (${config.remediation.tokenSource})` : "disabled",
    },
    "listening",
  );
  return exporter;
}

/** Serves until SIGTERM/SIGINT; SIGHUP reloads. Resolves with the process' exit code. */
export function serveUntilSignal(exporter: Exporter, rt: Runtime, log: Logger): Promise<number> {
  return untilShutdown(log, {
    async shutdown(signal) {
      const outcome = await exporter.shutdown(signal);
      await rt.close();
      log.info({ signal, outcome }, outcome === "clean" ? "stopped" : "stopped before the remediation run in flight finished (recorded as interrupted)");
      return outcome === "clean" ? 0 : 1;
    },
    abort: (signal) => exporter.abort(signal),
    reload(signal) {
      exporter.reload(signal).catch(() => undefined); // logged by the exporter; the old config stays
    },
  });
}
