// One collection round: every router and node read in parallel, each bounded by its own
// timeout, joined into an Observation and analysed. Concurrent callers share one round.
import type { Config } from "../config/types.js";
import type { Logger } from "../log.js";
import { analyze } from "../model/analyze.js";
import type { CommandRunner, Mac, NodeInventory, Observation, ObservedNode, ObservedRouter, RouterReading } from "../model/types.js";
import type { DnsAnswer, ObservedDnsName } from "../model/types.js";
import { createSources, type Sources } from "./sources.js";
import { withTimeout } from "./timeout.js";
import type { Collection, Collector, SourceResult } from "./types.js";

interface Timed<T> {
  value?: T;
  error?: string;
  result: SourceResult;
}

async function timed<T>(collector: string, target: string, ms: number, fn: () => Promise<T>): Promise<Timed<T>> {
  const start = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - start) / 1e9;
  try {
    const value = await withTimeout(fn(), ms, `${collector} ${target}`);
    return { value, result: { collector, target, success: true, durationSeconds: seconds() } };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { error, result: { collector, target, success: false, durationSeconds: seconds(), error } };
  }
}

export function createCollector(config: Config, log: Logger, sources: Sources = createSources(config, log)): Collector {
  const lastKnownMac = new Map<string, Mac>();
  let inflight: Promise<Collection> | null = null;
  // Cap each source at the scrape timeout even if its own timeout misbehaves.
  const cap = config.scrapeTimeoutMs;

  async function readRouters(): Promise<{ routers: ObservedRouter[]; results: SourceResult[] }> {
    const rounds = await Promise.all(
      sources.routers.map((src) => timed<RouterReading>(src.kind, src.name, cap, () => src.read(config.vips))),
    );
    return {
      routers: rounds.map((r, i) => {
        const name = sources.routers[i]!.name;
        if (r.error !== undefined) log.warn({ router: name, err: r.error }, "router read failed");
        return r.value ? { name, reading: r.value } : { name, reading: null, error: r.error };
      }),
      results: rounds.map((r) => r.result),
    };
  }

  async function readNodes(): Promise<{ nodes: ObservedNode[]; results: SourceResult[] }> {
    const rounds = await Promise.all(
      sources.nodes.map((src) => timed<NodeInventory>("node", src.name, cap, () => src.read())),
    );
    const nodes = rounds.map((r, i): ObservedNode => {
      const cfg = config.nodes[i]!;
      if (r.value) {
        const mac = cfg.mac ?? r.value.mac;
        if (mac) lastKnownMac.set(cfg.name, mac);
        const addresses = new Set(r.value.addresses);
        return { name: cfg.name, up: true, mac: mac ?? null, holds: config.vips.filter((v) => addresses.has(v)) };
      }
      log.warn({ node: cfg.name, err: r.error }, "node read failed");
      return { name: cfg.name, up: false, mac: cfg.mac ?? lastKnownMac.get(cfg.name) ?? null, holds: [], error: r.error };
    });
    return { nodes, results: rounds.map((r) => r.result) };
  }

  /** Every DNS name of dns.names, in parallel with the routers and nodes. */
  async function readDns(): Promise<{ names: ObservedDnsName[]; results: SourceResult[] }> {
    const rounds = await Promise.all((sources.dns ?? []).map((src) => timed<DnsAnswer>("dns", src.name, cap, () => src.lookup())));
    const names = rounds.map((r): ObservedDnsName => {
      const name = r.result.target;
      if (r.value) return { name, addresses: r.value.addresses };
      log.warn({ dns: name, err: r.error }, "DNS lookup failed");
      return { name, addresses: null, error: r.error };
    });
    return { names, results: rounds.map((r) => r.result) };
  }

  async function round(): Promise<Collection> {
    const [routers, nodes, dns] = await Promise.all([readRouters(), readNodes(), readDns()]);
    const observation: Observation = { vips: config.vips, nodes: nodes.nodes, routers: routers.routers };
    if (config.dns) observation.dns = dns.names;
    return {
      observation,
      analysis: analyze(observation),
      sources: [...routers.results, ...nodes.results, ...dns.results],
      at: new Date(),
    };
  }

  return {
    async collect(opts) {
      if (opts?.fresh && inflight) await inflight.catch(() => undefined);
      inflight ??= round().finally(() => {
        inflight = null;
      });
      return inflight;
    },
    async readRouters() {
      return (await readRouters()).routers;
    },
    runner(node: string): CommandRunner | null {
      return sources.nodes.find((n) => n.name === node)?.runner ?? null;
    },
    async close() {
      await Promise.allSettled([...sources.routers, ...sources.nodes].map((s) => s.close()));
    },
  };
}
