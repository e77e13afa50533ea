// The reconciler's thin driver: in remediation.mode plan or auto it collects every
// auto.interval (sharing rounds with scrapes), asks the pure decision (decide.ts) and runs the
// Remediator with trigger "reconciler", never beside another run: a run in flight (a person,
// Alertmanager) is waited out and the next collection decides again. Independently of the
// mode, remediation.refresh_interval > 0 re-announces every VIP from where it already is.
// Every change of decision is logged; the state is a metric.
import type { Collector } from "../collect/types.js";
import type { Config } from "../config/types.js";
import type { Logger } from "../log.js";
import { BusyError, type Remediator } from "../remediate/remediator.js";
import type { RemediationReport } from "../remediate/report.js";
import {
  BREAKER_AFTER,
  emptyMemory,
  FLAP_CHANGES,
  FLAP_WINDOW_MS,
  recordRun,
  recordVerifications,
  resetBreakers,
  step,
  type Decision,
  type ReconcileMemory,
  type ReconcileSettings,
  type ReconcileView,
} from "./decide.js";
import type { ReconcilerMetrics, ReconcilerState } from "./metrics.js";
import { reconcileView } from "./view.js";

export interface ReconcilerDeps {
  /** The config and collector in use now (a reload swaps them). */
  state: () => { config: Config; collector: Collector };
  remediator: Remediator;
  log: Logger;
  metrics: ReconcilerMetrics;
  now?: () => number;
}

export function settingsOf(config: Config): ReconcileSettings {
  const a = config.remediation.auto;
  return { after: a.after, maxRunsPerHour: a.maxRunsPerHour, breakerAfter: BREAKER_AFTER, flapChanges: FLAP_CHANGES, flapWindowMs: FLAP_WINDOW_MS };
}

export class Reconciler {
  private memory: ReconcileMemory = emptyMemory();
  private lastView: ReconcileView | null = null;
  private lastLogged = "";
  private timer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private readonly busy = new Set<Promise<unknown>>();
  private stopped = false;
  private readonly now: () => number;
  /** The timers' settings, to restart them only when a reload changed them. */
  private schedule = { auto: 0, refresh: 0 };

  constructor(private readonly deps: ReconcilerDeps) {
    this.now = deps.now ?? Date.now;
    deps.remediator.onReport((r) => this.learn(r));
  }

  /** Starts the timers the config asks for (the first reconciler collection at once). */
  start(): void {
    this.stopped = false;
    this.apply(this.deps.state().config, true);
  }

  /** A reloaded config: breakers close; timers follow the new mode and intervals. */
  reconfigure(config: Config): void {
    this.memory = resetBreakers(this.memory);
    this.deps.metrics.circuitOpen([]);
    this.apply(config, false);
  }

  /** Stops the timers and waits for a collection or run it started (the Remediator bounds a run). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clear("auto");
    this.clear("refresh");
    while (this.busy.size > 0) await Promise.allSettled([...this.busy]);
  }

  /** One collection and decision, and the run it calls for. Exposed for tests. */
  async tick(): Promise<Decision> {
    const { config, collector } = this.deps.state();
    const c = await collector.collect();
    const view = reconcileView(c.analysis, config.remediation.preferred);
    this.lastView = view;
    const now = this.now();
    const cooling = config.vips.filter((v) => this.deps.remediator.coolingDown(v) !== null);
    const { memory, decision } = step(this.memory, { view, now, cooling }, settingsOf(config));
    this.memory = memory;
    this.deps.metrics.circuitOpen(Object.entries(memory.failures).filter(([, f]) => f.count >= BREAKER_AFTER).map(([v]) => v));
    if (decision.state !== "act") {
      this.show(decision.state, decision);
      return decision;
    }
    const { remediator } = this.deps;
    if (this.stopped) return decision;
    if (remediator.running) return this.waitOut(decision);
    this.memory = recordRun(this.memory, now);
    this.show("acting", decision);
    try {
      const report = await remediator.run({ trigger: "reconciler", vips: decision.vips });
      const done = report.ok && report.actions.every((a) => a.status === "verified" || a.status === "planned");
      const message = `run finished: ${report.actions.map((a) => `${a.vip}->${a.to.node} ${a.status}`).join(", ") || "nothing to do"}`;
      this.show(done ? "idle" : "waiting", { state: "waiting", message, vips: decision.vips });
    } catch (err) {
      // Started between the check and the run: not this run's turn; the budget is not spent.
      if (err instanceof BusyError) {
        this.memory = { ...this.memory, runs: this.memory.runs.filter((t) => t !== now) };
        return this.waitOut(decision);
      }
      this.deps.log.error({ err: (err as Error).message }, "reconciler run failed");
      this.show("waiting", { state: "waiting", message: `run failed: ${(err as Error).message}`, vips: decision.vips });
    }
    return decision;
  }

  /** One refresh: every VIP re-announced from where the routers send it. Exposed for tests. */
  async refreshTick(): Promise<RemediationReport | null> {
    const { remediator, log } = this.deps;
    // Never urgent: after a run in flight, from a fresh collection.
    for (;;) {
      await remediator.idle();
      try {
        return await remediator.run({ trigger: "refresh", refresh: true });
      } catch (err) {
        if (err instanceof BusyError) continue;
        log.error({ err: (err as Error).message }, "refresh failed");
        return null;
      }
    }
  }

  private async waitOut(decision: Decision): Promise<Decision> {
    this.show("waiting", { state: "waiting", message: "a remediation run is in flight: waiting for it, then deciding again", vips: decision.vips ?? [] });
    await this.deps.remediator.idle();
    return decision;
  }

  private learn(report: RemediationReport): void {
    this.memory = recordVerifications(this.memory, report.actions, (vip) => this.lastView?.problems[vip]);
  }

  private show(state: ReconcilerState | "act", d: Decision): void {
    const shown: ReconcilerState = state === "act" ? "acting" : state;
    const reason = d.state === "holding_back" ? d.reason : null;
    this.deps.metrics.show(shown, reason);
    const key = JSON.stringify([shown, reason, d.vips ?? []]);
    if (key === this.lastLogged) return;
    this.lastLogged = key;
    const fields = { state: shown, ...(reason ? { reason } : {}), vips: d.vips ?? [], mode: this.deps.state().config.remediation.mode };
    if (shown === "holding_back") this.deps.log.warn(fields, `reconciler holding back: ${d.message}`);
    else this.deps.log.info(fields, `reconciler ${shown}: ${d.message}`);
  }

  private apply(config: Config, first: boolean): void {
    const r = config.remediation;
    const auto = r.mode === "manual" ? 0 : r.auto.intervalMs;
    if (auto === 0) {
      this.clear("auto");
      this.deps.metrics.off();
    } else if (first || auto !== this.schedule.auto) {
      this.clear("auto");
      if (this.schedule.auto === 0) this.show("idle", { state: "idle", message: `started (remediation.mode ${r.mode}, every ${auto / 1000}s)` });
      this.loop("auto", auto, first ? 0 : auto);
    }
    this.schedule.auto = auto;
    const refresh = r.refreshIntervalMs;
    if (refresh === 0) this.clear("refresh");
    else if (first || refresh !== this.schedule.refresh) {
      this.clear("refresh");
      this.loop("refresh", refresh, refresh);
    }
    this.schedule.refresh = refresh;
  }

  private loop(which: "auto" | "refresh", interval: number, firstDelay: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      const started = this.now();
      const work = which === "auto" ? this.tick() : this.refreshTick();
      const tracked: Promise<unknown> = work
        .catch((err: Error) => this.deps.log.error({ err: err.message }, `reconciler ${which === "auto" ? "collection" : "refresh"} failed`))
        .finally(() => {
          this.busy.delete(tracked);
          // Start to start, never overlapping: a long run delays the next collection.
          if (this.timerOf(which) === t) this.loop(which, interval, Math.max(0, interval - (this.now() - started)));
        });
      this.busy.add(tracked);
    }, firstDelay);
    t.unref();
    if (which === "auto") this.timer = t;
    else this.refreshTimer = t;
  }

  private timerOf(which: "auto" | "refresh"): NodeJS.Timeout | null {
    return which === "auto" ? this.timer : this.refreshTimer;
  }

  private clear(which: "auto" | "refresh"): void {
    const t = this.timerOf(which);
    if (t) clearTimeout(t);
    if (which === "auto") this.timer = null;
    else this.refreshTimer = null;
  }
}
