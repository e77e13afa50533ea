// The exporter served as `vip-arp-exporter` serves it (src/cli/serve.ts) over a simulated
// segment, plus a keep-alive HTTP client: every byte goes over 127.0.0.1.
import http from "node:http";
import { serve } from "../../src/cli/serve.js";
import type { Exporter } from "../../src/serve/exporter.js";
import { silentLogger } from "../../src/log.js";
import type { Scenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation, type SimulationOptions } from "../../src/sim/start.js";
import { nowMs } from "./stats.js";

export interface HttpResult {
  status: number;
  body: string;
  ms: number;
}

export interface ServedSim {
  sim: Simulation;
  port: number;
  get(path: string): Promise<HttpResult>;
  /** SNMP requests all simulated routers received so far. */
  snmpRequests(): number;
  /** Commands all simulated nodes ran so far. */
  sshCommands(): number;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 30_000;

export interface ServedOptions {
  /** The simulated routers' SNMP timeout per request (default the simulation's). */
  routerTimeoutMs?: number;
  remediation?: SimulationOptions["remediation"];
}

export async function startServedSim(scenario: Scenario, opts: ServedOptions = {}): Promise<ServedSim> {
  const sim = await startSimulation(scenario, { source: "<bench>", ...(opts.remediation ? { remediation: opts.remediation } : {}) });
  const config =
    opts.routerTimeoutMs === undefined ? sim.config : { ...sim.config, routers: sim.config.routers.map((r) => ({ ...r, timeoutMs: opts.routerTimeoutMs!, retries: 0 })) };
  let serving: Exporter;
  try {
    serving = await serve(
      { config, sim, tokenFile: null, banner: null, close: () => sim.stop() },
      { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500 },
      silentLogger(),
    );
  } catch (err) {
    await sim.stop();
    throw err;
  }
  // Like Prometheus: persistent connections, up to 10 at once.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const port = serving.web.listeners[0]!.port;

  function get(path: string): Promise<HttpResult> {
    const t0 = nowMs();
    return new Promise((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port, path, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: nowMs() - t0 }));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out after ${REQUEST_TIMEOUT_MS}ms`)));
      req.on("error", reject);
    });
  }

  // The first collection (SSH handshakes, SNMP discovery) runs in the background: wait for it.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await get("/-/ready");
    if (r.status === 200) break;
    if (Date.now() > deadline) throw new Error("the served exporter did not become ready within 60s");
    await new Promise((res) => setTimeout(res, 20));
  }

  return {
    sim,
    port,
    get,
    snmpRequests: () => Object.values(sim.routers).reduce((s, r) => s + r.requests(), 0),
    sshCommands: () => Object.values(sim.nodes).reduce((s, n) => s + n.commands.length, 0),
    async close() {
      agent.destroy();
      await serving.shutdown("SIGTERM");
      await sim.stop();
    },
  };
}

/** Fails the benchmark loudly: numbers from an erroring exporter are meaningless. */
export function expectMetrics(r: HttpResult, what: string): void {
  if (r.status !== 200) throw new Error(`${what}: /metrics answered ${r.status}: ${r.body.slice(0, 200)}`);
  if (!r.body.includes("vip_mac_owner{")) throw new Error(`${what}: /metrics has no vip_mac_owner series`);
  if (/vip_arp_collector_success\{[^}]*\} 0/.test(r.body)) {
    throw new Error(`${what}: a source failed during the benchmark:\n${r.body.split("\n").filter((l) => l.startsWith("vip_arp_collector_success")).join("\n")}`);
  }
}

export function seriesCount(body: string): number {
  let n = 0;
  for (const line of body.split("\n")) if (line && !line.startsWith("#")) n++;
  return n;
}
