// One collection round: every router and node read in parallel, each bounded by its own
// timeout, joined into an Observation and analysed. Concurrent callers share one round; a
// caller with a deadline (a scrape) gets what finished by then, the rest counted as failed.
import type { Config } from "../config/types.js";
import type { Logger } from "../log.js";
import { analyze } from "../model/analyze.js";
import type { CommandRunner, Mac, NodeInventory, Observation, ObservedNode, ObservedRouter, RouterReading } from "../model/types.js";
import type { DnsAnswer, ObservedDnsName } from "../model/types.js";
import { createSources, type Sources } from "./sources.js";
import { withTimeout } from "./timeout.js";
import type { Collection, CollectOptions, Collector, SourceResult } from "./types.js";

interface Timed<T> {
  value?: T;
  error?: string;
  result: SourceResult;
}

/** One source's read within a round: settled is set when it finished (or failed). */
interface Pending<T> {
  collector: string;
  target: string;
  started: bigint;
  settled?: Timed<T>;
  done: Promise<void>;
}

interface Round {
  routers: Pending<RouterReading>[];
  nodes: Pending<NodeInventory>[];
  dns: Pending<DnsAnswer>[];
  /** Every source settled. */
  done: Promise<void>;
  /** The collection of the whole round, built once when it is done (shared by every caller). */
  full?: Collection;
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

function start<T>(collector: string, target: string, ms: number, fn: () => Promise<T>, onSettled?: (t: Timed<T>) => void): Pending<T> {
  const p: Pending<T> = { collector, target, started: process.hrtime.bigint(), done: Promise.resolve() };
  // Never rejects: a failure is a result. Sources bound themselves; the cap bounds a source that does not.
  p.done = (async () => {
    try {
      const value = await withTimeout(Promise.resolve().then(fn), ms, `${collector} ${target}`);
      p.settled = { value, result: { collector, target, success: true, durationSeconds: seconds(p.started) } };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      p.settled = { error, result: { collector, target, success: false, durationSeconds: seconds(p.started), error } };
    }
    onSettled?.(p.settled);
  })();
  return p;
}

/** What a caller whose deadline passed sees of a source that is still running. */
function lateResult<T>(p: Pending<T>, budgetMs: number): Timed<T> {
  const error = `did not answer within ${budgetMs} ms (the scrape's deadline); still running, its result counts from the next scrape`;
  return { error, result: { collector: p.collector, target: p.target, success: false, durationSeconds: seconds(p.started), error } };
}

export function createCollector(config: Config, log: Logger, sources: Sources = createSources(config, log)): Collector {
  const lastKnownMac = new Map<string, Mac>();
  let inflight: Round | null = null;
  // Cap each source at the scrape timeout even if its own timeout misbehaves.
  const cap = config.scrapeTimeoutMs;

  function routerResult(i: number, r: Timed<RouterReading>): SourceResult {
    const malformed = sources.routers[i]!.malformedRows?.();
    return malformed === undefined ? r.result : { ...r.result, malformedRows: malformed };
  }

  function observedRouter(i: number, r: Timed<RouterReading>): ObservedRouter {
    const name = sources.routers[i]!.name;
    return r.value ? { name, reading: r.value } : { name, reading: null, error: r.error };
  }

  function observedNode(i: number, r: Timed<NodeInventory>): ObservedNode {
    const cfg = config.nodes[i]!;
    if (r.value) {
      const mac = cfg.mac ?? r.value.mac;
      const addresses = new Set(r.value.addresses);
      return { name: cfg.name, up: true, mac: mac ?? null, holds: config.vips.filter((v) => addresses.has(v)) };
    }
    return { name: cfg.name, up: false, mac: cfg.mac ?? lastKnownMac.get(cfg.name) ?? null, holds: [], error: r.error };
  }

  function observedDnsName(t: Timed<DnsAnswer>): ObservedDnsName {
    const name = t.result.target;
    return t.value ? { name, addresses: t.value.addresses } : { name, addresses: null, error: t.error };
  }

  function startRound(): Round {
    const routers = sources.routers.map((src) =>
      start<RouterReading>(src.kind, src.name, cap, () => src.read(config.vips), (t) => {
        if (t.error !== undefined) log.warn({ router: src.name, err: t.error }, "router read failed");
      }),
    );
    const nodes = sources.nodes.map((src, i) =>
      start<NodeInventory>("node", src.name, cap, () => src.read(), (t) => {
        const cfg = config.nodes[i]!;
        const mac = cfg.mac ?? t.value?.mac;
        if (t.value && mac) lastKnownMac.set(cfg.name, mac);
        if (t.error !== undefined) log.warn({ node: cfg.name, err: t.error }, "node read failed");
      }),
    );
    // Every DNS name of dns.names, in parallel with the routers and nodes.
    const dns = (sources.dns ?? []).map((src) =>
      start<DnsAnswer>("dns", src.name, cap, () => src.lookup(), (t) => {
        if (t.error !== undefined) log.warn({ dns: src.name, err: t.error }, "DNS lookup failed");
      }),
    );
    const round: Round = { routers, nodes, dns, done: Promise.resolve() };
    round.done = Promise.all([...routers, ...nodes, ...dns].map((p) => p.done)).then(() => {
      round.full = build(round, null);
      if (inflight === round) inflight = null;
    });
    return round;
  }

  /** The collection of a round as far as it got; null budget: the round is done. */
  function build(round: Round, budgetMs: number | null): Collection {
    const settled = <T>(p: Pending<T>): Timed<T> => p.settled ?? lateResult(p, budgetMs ?? cap);
    const routerTimes = round.routers.map(settled);
    const nodeTimes = round.nodes.map(settled);
    const dnsTimes = round.dns.map(settled);
    const observation: Observation = {
      vips: config.vips,
      nodes: nodeTimes.map((t, i) => observedNode(i, t)),
      routers: routerTimes.map((t, i) => observedRouter(i, t)),
    };
    if (config.dns) observation.dns = dnsTimes.map(observedDnsName);
    return {
      observation,
      analysis: analyze(observation),
      sources: [...routerTimes.map((t, i) => routerResult(i, t)), ...nodeTimes.map((t) => t.result), ...dnsTimes.map((t) => t.result)],
      at: new Date(),
      ...(budgetMs !== null && !round.full ? { partial: true } : {}),
    };
  }

  async function collect(opts: CollectOptions = {}): Promise<Collection> {
    if (opts.fresh && inflight) await inflight.done;
    const round = (inflight ??= startRound());
    const budget = opts.budgetMs;
    if (budget === undefined) {
      await round.done;
      return round.full!;
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, budget));
    });
    try {
      await Promise.race([round.done, expired]);
    } finally {
      clearTimeout(timer);
    }
    return round.full ?? build(round, budget);
  }

  return {
    collect,
    async readRouters() {
      const pending = sources.routers.map((src) => start<RouterReading>(src.kind, src.name, cap, () => src.read(config.vips)));
      await Promise.all(pending.map((p) => p.done));
      return pending.map((p, i) => observedRouter(i, p.settled!));
    },
    runner(node: string): CommandRunner | null {
      return sources.nodes.find((n) => n.name === node)?.runner ?? null;
    },
    async drain() {
      while (inflight) await inflight.done;
    },
    async close() {
      // A round in flight finishes first (its sources bound themselves), so nothing reads a closed source.
      while (inflight) await inflight.done;
      await Promise.allSettled([...sources.routers, ...sources.nodes].map((s) => s.close()));
    },
  };
}
