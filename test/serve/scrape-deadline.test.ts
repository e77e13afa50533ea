// A scrape answers before Prometheus gives up: its deadline is X-Prometheus-Scrape-Timeout-Seconds
// minus --web.timeout-offset, never more than scrape_timeout; a source still running then counts
// as failed for that scrape and every other series is exported. Plus HEAD and several listeners.
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { serve } from "../../src/cli/serve.js";
import { MIN_BUDGET_MS, parseTimeoutOffset, scrapeBudgetMs } from "../../src/http/scrape-budget.js";
import { parseDuration } from "../../src/config/duration.js";
import { silentLogger } from "../../src/log.js";
import type { Exporter } from "../../src/serve/exporter.js";
import { defaultScenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation } from "../../src/sim/start.js";
import { find, samples } from "../helpers/exporter.js";
import { startExporterProcess } from "../helpers/exporter-process.js";
import { simConfigFile } from "../helpers/sim-config-file.js";

describe("scrapeBudgetMs", () => {
  it.each([
    // header, offset, scrape_timeout -> budget
    [undefined, 500, 10_000, 10_000],
    ["10", 500, 10_000, 9_500],
    ["3", 500, 10_000, 2_500],
    ["2.25", 500, 10_000, 1_750],
    ["30", 500, 10_000, 10_000], // never more than scrape_timeout
    ["0.3", 500, 10_000, MIN_BUDGET_MS], // offset larger than the timeout: a moment still
    ["0.05", 500, 10_000, 50],
    ["", 500, 10_000, 10_000],
    ["abc", 500, 10_000, 10_000],
    ["-3", 500, 10_000, 10_000],
    ["Infinity", 500, 10_000, 10_000],
  ] as const)("header %j, offset %d ms, scrape_timeout %d ms: %d ms", (header, offset, cap, want) => {
    expect(scrapeBudgetMs(header, offset, cap)).toBe(want);
  });

  it("reads --web.timeout-offset as seconds or as a duration, and refuses anything else", () => {
    expect(parseTimeoutOffset("0.5", parseDuration)).toBe(500);
    expect(parseTimeoutOffset("2", parseDuration)).toBe(2000);
    expect(parseTimeoutOffset("250ms", parseDuration)).toBe(250);
    for (const bad of ["-1", "1e3", "61", "fast", "0.5s5"]) {
      expect(() => parseTimeoutOffset(bad, parseDuration)).toThrow(`--web.timeout-offset "${bad}" must be seconds from 0 to 60 (e.g. 0.5) or a duration like 500ms`);
    }
  });
});

let sim: Simulation | null = null;
let exporter: Exporter | null = null;
afterEach(async () => {
  await exporter?.shutdown("SIGTERM");
  await sim?.stop();
  exporter = null;
  sim = null;
});

async function served(silentRouter: boolean): Promise<{ url: string; sim: Simulation }> {
  sim = await startSimulation(defaultScenario());
  if (silentRouter) sim.segment.router("core-s1").fault = "silent";
  // The router's own bound is far beyond the scrape's deadline: 5 s per request, 1 retry.
  const config = { ...sim.config, routers: sim.config.routers.map((r) => ({ ...r, timeoutMs: 5_000, retries: 1 })) };
  exporter = await serve(
    { config, sim, tokenFile: null, banner: null, close: async () => {} },
    { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500 },
    silentLogger(),
  );
  return { url: `http://127.0.0.1:${exporter.port}`, sim };
}

describe("a scrape with X-Prometheus-Scrape-Timeout-Seconds", () => {
  it("with one silent router answers at the deadline: the router counts as failed, every other source is exported", async () => {
    const { url } = await served(true);
    const res = await fetch(`${url}/metrics`, { headers: { "X-Prometheus-Scrape-Timeout-Seconds": "1" } });
    expect(res.status).toBe(200);
    const s = samples(await res.text());
    expect(find(s, "vip_arp_collector_success", { target: "core-s1" }).map((x) => x.value)).toEqual([0]);
    expect(find(s, "vip_arp_collector_success", { collector: "node" }).map((x) => x.value)).toEqual([1, 1, 1]);
    expect(find(s, "infra_node_up").map((x) => x.value)).toEqual([1, 1, 1]);
    expect(find(s, "vip_mac_owner")).toEqual([]); // nothing is known of the router: no series, not a false 0
    // The status page says which bound cut the read short: the scrape's deadline, not the router's own 10 s.
    const page = await (await fetch(`${url}/`)).text();
    expect(page).toContain("did not answer within 500 ms (the scrape&#39;s deadline)");
  });

  it("without the header is bounded by scrape_timeout only, and a healthy segment is read in full", async () => {
    const { url } = await served(false);
    const s = samples(await (await fetch(`${url}/metrics`, { headers: { "X-Prometheus-Scrape-Timeout-Seconds": "1" } })).text());
    expect(find(s, "vip_arp_collector_success").map((x) => x.value)).toEqual([1, 1, 1, 1, 1]);
    expect(find(s, "vip_mac_owner")).toHaveLength(3);
  });

  it("HEAD /metrics answers without collecting", async () => {
    const { url, sim: s } = await served(false);
    await fetch(`${url}/metrics`); // the first collection, then nothing more
    const before = Object.values(s.routers).reduce((n, r) => n + r.requests(), 0);
    const res = await fetch(`${url}/metrics`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(Object.values(s.routers).reduce((n, r) => n + r.requests(), 0)).toBe(before);
  });
});

describe("--web.listen-address, repeated", () => {
  function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
  }

  it("listens on every address", async () => {
    sim = await startSimulation(defaultScenario());
    const [a, b] = [await freePort(), await freePort()];
    const p = await startExporterProcess(["--config.file", simConfigFile(sim).path, "--web.listen-address", `127.0.0.1:${a}`, "--web.listen-address", `127.0.0.1:${b}`]);
    try {
      for (const port of [a, b]) expect((await fetch(`http://127.0.0.1:${port}/-/healthy`)).status).toBe(200);
      expect(p.logs().find((l) => l.msg === "listening")?.addresses).toEqual([`127.0.0.1:${a} (port ${a})`, `127.0.0.1:${b} (port ${b})`]);
    } finally {
      await p.stop();
    }
  });

  it("fails at start naming the address that cannot be used", async () => {
    sim = await startSimulation(defaultScenario());
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as { port: number }).port;
    try {
      const free = await freePort();
      await expect(
        startExporterProcess(["--config.file", simConfigFile(sim).path, "--web.listen-address", `127.0.0.1:${free}`, "--web.listen-address", `127.0.0.1:${port}`], { readyTimeoutMs: 10_000 }),
      ).rejects.toThrow(`vip-arp-exporter: cannot listen on 127.0.0.1:${port}: EADDRINUSE (another process uses the port: pick another with --web.listen-address)`);
    } finally {
      taken.close();
    }
  });
});
