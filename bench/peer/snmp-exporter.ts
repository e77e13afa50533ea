// Debian's prometheus-snmp-exporter (0.21: the module carries its own auth) with a minimal
// module walking ipNetToMediaPhysAddress, the one column of ipNetToMediaTable a user needs to
// map addresses to MACs. Listens on 127.0.0.1 only; stopped by its pid.
import { writeFileSync } from "node:fs";
import http from "node:http";
import { stringify } from "yaml";
import { startWatched, type Watched } from "./child.js";
import { freePort } from "./ports.js";

export const SNMP_EXPORTER_MODULE = "vip_arp";
export const PHYS_ADDRESS_OID = "1.3.6.1.2.1.4.22.1.2";

/** snmp.yml with one module (format of snmp_exporter before 0.23: auth inside the module). */
export function snmpExporterConfig(community: string): string {
  return stringify({
    [SNMP_EXPORTER_MODULE]: {
      walk: [PHYS_ADDRESS_OID],
      metrics: [
        {
          name: "ipNetToMediaPhysAddress",
          oid: PHYS_ADDRESS_OID,
          type: "PhysAddress48",
          help: "The media-dependent physical address - 1.3.6.1.2.1.4.22.1.2",
          indexes: [
            { labelname: "ipNetToMediaIfIndex", type: "gauge" },
            { labelname: "ipNetToMediaNetAddress", type: "InetAddressIPv4" },
          ],
        },
      ],
      // The defaults of the generator, written out.
      version: 2,
      max_repetitions: 25,
      retries: 3,
      timeout: "5s",
      auth: { community },
    },
  });
}

export interface SnmpExporter {
  /** One scrape of /snmp for the target: its duration and the ARP rows it returned. */
  walk(target: string, timeoutMs: number): Promise<{ ms: number; rows: number; walkSeconds: number }>;
  stop(): Promise<void>;
}

function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`snmp_exporter sent nothing for ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

export async function startSnmpExporter(configFile: string, community: string): Promise<SnmpExporter> {
  writeFileSync(configFile, snmpExporterConfig(community), { mode: 0o600 });
  const port = await freePort();
  const proc: Watched = await startWatched(
    "prometheus-snmp-exporter",
    ["prometheus-snmp-exporter", `--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    {},
  );
  const url = `http://127.0.0.1:${port}`;
  // Ready when it answers; bounded.
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop("SIGKILL");
      throw new Error(`prometheus-snmp-exporter did not answer on ${url} within 20 s; stderr: ${proc.stderr().slice(-400)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async walk(target, timeoutMs) {
      const t0 = performance.now();
      // node:http, not fetch: fetch gives up on headers after 300 s, and a 50k-row walk takes longer.
      const res = await httpGet(`${url}/snmp?module=${SNMP_EXPORTER_MODULE}&target=${encodeURIComponent(target)}`, timeoutMs);
      const body = res.body;
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`snmp_exporter answered ${res.status}: ${body.slice(0, 300)}`);
      let rows = 0;
      for (const line of body.split("\n")) if (line.startsWith("ipNetToMediaPhysAddress{")) rows++;
      const walk = /^snmp_scrape_walk_duration_seconds(?:\{[^}]*\})? (\S+)/m.exec(body);
      return { ms, rows, walkSeconds: walk ? Number(walk[1]) : NaN };
    },
    async stop() {
      await proc.stop("SIGTERM");
    },
  };
}
