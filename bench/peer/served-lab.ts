// The exporter served in this process over a lab config, as `vip-arp-exporter --config.file`
// serves it (src/cli/serve.ts on 127.0.0.1:0), read the way Prometheus and Alertmanager do.
import { openRuntime } from "../../src/cli/runtime.js";
import { serve } from "../../src/cli/serve.js";
import { silentLogger } from "../../src/log.js";

export interface ServedLab {
  url: string;
  /** GET /metrics; throws unless 200 with every source successful. */
  scrape(): Promise<{ series: number; owners: number }>;
  /** POST /remediate with the bearer token; resolves with status and JSON. */
  remediate(token: string, body?: unknown): Promise<{ status: number; json: RemediationAnswer }>;
  close(): Promise<void>;
}

export interface RemediationAnswer {
  ok?: boolean;
  error?: string;
  actions?: { vip: string; to: { node: string; mac: string }; status: string; error?: string }[];
}

export async function startServedLab(configFile: string): Promise<ServedLab> {
  // env {}: an operator's VIP_ARP_REMEDIATE_TOKEN must not replace the lab's token file.
  const rt = await openRuntime({ configFile, env: {} });
  const serving = await serve(rt, { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500 }, silentLogger());
  const url = `http://127.0.0.1:${serving.port}`;
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${url}/-/ready`)).status !== 200) {
    if (Date.now() > deadline) {
      await serving.shutdown("SIGTERM");
      throw new Error("the exporter did not become ready within 60 s");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async scrape() {
      const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(120_000) });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${body.slice(0, 200)}`);
      const failed = body.split("\n").filter((l) => l.startsWith("vip_arp_collector_success{") && l.endsWith(" 0"));
      if (failed.length) throw new Error(`a source failed during the bench:\n${failed.join("\n")}`);
      if (!body.includes("vip_mac_owner{")) throw new Error("/metrics has no vip_mac_owner series");
      const lines = body.split("\n");
      return { series: lines.filter((l) => l && !l.startsWith("#")).length, owners: lines.filter((l) => l.startsWith("vip_mac_owner{")).length };
    },
    async remediate(token, body = {}) {
      const res = await fetch(`${url}/remediate`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
      return { status: res.status, json: (await res.json()) as RemediationAnswer };
    },
    async close() {
      await serving.shutdown("SIGTERM");
      await rt.close();
    },
  };
}
