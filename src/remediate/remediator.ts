// One remediation run: collect -> plan (the guard inside: only trusted views) -> (dry run:
// report the plan) -> cooldown -> send GARPs -> verify on the routers -> re-collect -> report
// and audit. One run at a time. A run keeps the config and collector it started with; a
// reload (setContext) applies to the next run. While a run is in flight, `progress` says what
// went out, so a shutdown that cannot wait still records it (recordInterrupted).
import type { Config } from "../config/types.js";
import type { Collector } from "../collect/types.js";
import type { Logger } from "../log.js";
import type { Analysis, Distrust, GarpAction, Mac } from "../model/types.js";
import { plan as makePlan } from "../model/plan.js";
import { AuditLog, type AuditRecord } from "./audit.js";
import { Cooldown } from "./cooldown.js";
import { BusyError, RemediationRequestError } from "./errors.js";
import { executeActions, type SendResult } from "./executor.js";
import type { RemediationMetrics } from "./metrics.js";
import { actionReport, summarize, type ActionReport, type RemediationReport, type Trigger } from "./report.js";
import { verifyActions } from "./verify.js";

export { BusyError, RemediationRequestError } from "./errors.js";

export interface RemediationRequest {
  trigger: Trigger;
  dryRun?: boolean;
  /** Restrict actions to these VIPs (each must be configured). */
  vips?: string[];
  /** Announce every VIP from its target even when the routers agree. */
  reassert?: boolean;
  /** Alertmanager group key and firing alert names, for the audit log. */
  groupKey?: string;
  alerts?: string[];
  /** Alertmanager receiver name, for the audit log. */
  receiver?: string;
}

export interface RemediatorOptions {
  config: Config;
  collector: Collector;
  log: Logger;
  metrics: RemediationMetrics;
  now?: () => number;
}

/** What a run in flight has done so far. */
export interface RunProgress {
  startedAt: string;
  trigger: Trigger;
  who: string;
  dryRun: boolean;
  groupKey?: string;
  alerts?: string[];
  /** Actions handed to the executor. */
  planned: GarpAction[];
  /** Actions whose arping commands finished (sent or failed), in the order they finished. */
  finished: SendResult[];
}

/** The report's error when every router's view was distrusted. */
function noTrustedView(distrusted: Distrust[]): string {
  return `no router's view can be trusted, nothing was planned or sent (${distrusted.map((d) => `${d.router} ${d.reason}`).join("; ")})`;
}

function whoOf(req: RemediationRequest): string {
  if (req.trigger === "cli") return "cli";
  if (req.trigger === "alertmanager") return `alertmanager receiver ${req.receiver ?? "(unnamed)"}`;
  return "token";
}

interface Context {
  config: Config;
  collector: Collector;
}

export class Remediator {
  private ctx: Context;
  private readonly log: Logger;
  private readonly metrics: RemediationMetrics;
  private readonly now: () => number;
  private readonly cooldown: Cooldown;
  /** Also read by the status page (its last records). */
  readonly audit: AuditLog;
  private inFlight: Promise<unknown> | null = null;
  private current: RunProgress | null = null;

  constructor(opts: RemediatorOptions) {
    this.ctx = { config: opts.config, collector: opts.collector };
    this.log = opts.log;
    this.metrics = opts.metrics;
    this.now = opts.now ?? Date.now;
    this.cooldown = new Cooldown(opts.config.remediation.cooldownMs, this.now);
    this.audit = new AuditLog(opts.config.remediation.auditLogFile, opts.log);
  }

  /** The config the next run uses. */
  get config(): Config {
    return this.ctx.config;
  }

  get running(): boolean {
    return this.inFlight !== null;
  }

  /** What the run in flight has done so far; null when none is. */
  get progress(): RunProgress | null {
    return this.current;
  }

  /** A reloaded config: the next run uses it; cooldowns carry over (they protect the network, not a config). */
  setContext(config: Config, collector: Collector): void {
    this.ctx = { config, collector };
    this.cooldown.setWindow(config.remediation.cooldownMs);
    this.audit.setFile(config.remediation.auditLogFile);
  }

  /** Resolves when no run is in flight (never rejects). */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight.catch(() => undefined);
  }

  /**
   * The process must exit before the run in flight ends: append, synchronously, an audit
   * record saying so and what had been sent. Returns false when no run was in flight.
   */
  recordInterrupted(signal: string): boolean {
    const p = this.current;
    if (!p) return false;
    const sent = p.finished.filter((r) => r.status === "sent").map((r) => actionReport(r.action, "sent"));
    const failed = p.finished.filter((r) => r.status === "failed").map((r) => actionReport(r.action, "failed", r.error));
    const done = new Set(p.finished.map((r) => r.action));
    const unknown = p.planned.filter((a) => !done.has(a)).map((a) => actionReport(a, "planned", "interrupted before its arping finished: it may or may not have been sent"));
    const record: AuditRecord = {
      time: p.startedAt,
      who: p.who,
      trigger: p.trigger,
      dryRun: p.dryRun,
      ...(p.groupKey !== undefined ? { groupKey: p.groupKey } : {}),
      ...(p.alerts ? { alerts: p.alerts } : {}),
      plan: { targets: {}, actions: p.planned, blocked: [] },
      results: [...sent, ...failed, ...unknown],
      ok: false,
      durations: { totalSeconds: (this.now() - Date.parse(p.startedAt)) / 1000, sendSeconds: 0, verifySeconds: 0 },
      error: `interrupted by a second ${signal}: the process exited before the run finished; ${sent.length} GARP action(s) had been sent, none verified`,
      interrupted: true,
    };
    this.audit.writeSync(record);
    this.log.error(
      { audit: record.error, sent: sent.map((a) => `${a.vip}->${a.to.node}`), unknown: unknown.map((a) => `${a.vip}->${a.to.node}`) },
      "remediation run interrupted",
    );
    return true;
  }

  /** Throws BusyError when a run is in flight, RemediationRequestError on a bad request. */
  async run(req: RemediationRequest): Promise<RemediationReport> {
    // Checked and set synchronously: concurrent callers cannot both get past here.
    if (this.inFlight) throw new BusyError();
    const run = this.runOnce(req, this.ctx);
    this.inFlight = run;
    try {
      return await run;
    } finally {
      this.inFlight = null;
      this.current = null;
    }
  }

  private async runOnce(req: RemediationRequest, ctx: Context): Promise<RemediationReport> {
    const { config, collector } = ctx;
    const dryRun = req.dryRun === true;
    const unknown = (req.vips ?? []).filter((v) => !config.vips.includes(v));
    if (unknown.length > 0) {
      throw new RemediationRequestError(`unknown VIP ${unknown.join(", ")}: configured VIPs are ${config.vips.join(", ")}`);
    }
    const startedMs = this.now();
    const who = whoOf(req);
    const progress: RunProgress = {
      startedAt: new Date(startedMs).toISOString(),
      trigger: req.trigger,
      who,
      dryRun,
      ...(req.groupKey !== undefined ? { groupKey: req.groupKey } : {}),
      ...(req.alerts ? { alerts: req.alerts } : {}),
      planned: [],
      finished: [],
    };
    this.current = progress;
    let sendSeconds = 0;
    let verifySeconds = 0;
    try {
      const before = await collector.collect();
      const planned = makePlan(before.analysis, {
        preferred: config.remediation.preferred,
        reassert: req.reassert === true,
        ...(req.vips ? { vips: req.vips } : {}),
      });

      // The guard (in the planner): a view that could not be read in full is never acted on.
      const trustedAny = planned.distrusted.length < before.analysis.routers.length;
      let actions: ActionReport[];
      let after: RemediationReport["after"] = null;
      if (!trustedAny) {
        actions = [];
        after = dryRun ? null : summarize(before.analysis);
      } else if (dryRun) {
        actions = planned.actions.map((a) => actionReport(a, "planned"));
      } else {
        const trusted = before.analysis.routers.map((r) => r.router).filter((r) => !planned.distrusted.some((d) => d.router === r));
        const applied = await this.apply(ctx, progress, planned.actions, before.analysis, trusted);
        ({ actions, sendSeconds, verifySeconds } = applied);
        // Something went out: show the routers as they are now; else nothing changed.
        after = applied.anySent ? summarize((await collector.collect({ fresh: true })).analysis) : summarize(before.analysis);
      }

      const report: RemediationReport = {
        dryRun,
        trigger: req.trigger,
        startedAt: progress.startedAt,
        durationSeconds: (this.now() - startedMs) / 1000,
        before: summarize(before.analysis),
        after,
        actions,
        blocked: planned.blocked,
        distrusted: planned.distrusted,
        ...(trustedAny ? {} : { error: noTrustedView(planned.distrusted) }),
        ok: planned.distrusted.length === 0 && actions.every((a) => a.status !== "failed"),
      };
      if (!dryRun) {
        this.metrics.remediations.inc();
        if (!report.ok) this.metrics.remediationFailures.inc();
      }
      await this.audit.write({
        time: report.startedAt,
        who,
        trigger: req.trigger,
        dryRun,
        ...(req.groupKey !== undefined ? { groupKey: req.groupKey } : {}),
        ...(req.alerts ? { alerts: req.alerts } : {}),
        plan: { targets: planned.targets, actions: trustedAny ? planned.actions : [], blocked: planned.blocked },
        distrusted: planned.distrusted,
        results: actions,
        ok: report.ok,
        durations: { totalSeconds: report.durationSeconds, sendSeconds, verifySeconds },
        ...(report.error ? { error: report.error } : {}),
      });
      this.log.info(
        {
          trigger: req.trigger,
          dryRun,
          ok: report.ok,
          actions: actions.map((a) => `${a.vip}->${a.to.node}:${a.status}`),
          ratioBefore: report.before.ratio,
          ratioAfter: report.after?.ratio,
          ...(planned.distrusted.length ? { distrusted: planned.distrusted.map((d) => `${d.router}: ${d.reason}`) } : {}),
        },
        !trustedAny ? "remediation refused: no router's view can be trusted, nothing was planned or sent" : dryRun ? "remediation dry run" : "remediation run finished",
      );
      return report;
    } catch (err) {
      if (!dryRun) {
        this.metrics.remediations.inc();
        this.metrics.remediationFailures.inc();
      }
      const sent = progress.finished.filter((r) => r.status === "sent").map((r) => actionReport(r.action, "sent"));
      await this.audit.write({
        time: progress.startedAt,
        who,
        trigger: req.trigger,
        dryRun,
        ...(req.groupKey !== undefined ? { groupKey: req.groupKey } : {}),
        ...(req.alerts ? { alerts: req.alerts } : {}),
        plan: { targets: {}, actions: progress.planned, blocked: [] },
        results: sent,
        ok: false,
        durations: { totalSeconds: (this.now() - startedMs) / 1000, sendSeconds, verifySeconds },
        error: (err as Error).message,
      });
      throw err;
    }
  }

  /** Cooldown, send, verify. Reports come back in plan order. */
  private async apply(
    ctx: Context,
    progress: RunProgress,
    planned: GarpAction[],
    analysis: Analysis,
    trusted: string[],
  ): Promise<{ actions: ActionReport[]; anySent: boolean; sendSeconds: number; verifySeconds: number }> {
    const outcome = new Map<GarpAction, ActionReport>();
    const toSend: GarpAction[] = [];
    for (const a of planned) {
      const skip = this.cooldown.check(a.vip);
      if (skip) outcome.set(a, actionReport(a, "skipped", skip));
      else toSend.push(a);
    }
    progress.planned = toSend;

    let t = this.now();
    const results = await executeActions(toSend, {
      config: ctx.config,
      runner: (n) => ctx.collector.runner(n),
      log: this.log,
      onResult: (r) => {
        progress.finished.push(r);
        // Marked as soon as it went out: a run that fails later must not lift the cooldown.
        if (r.status === "sent") this.cooldown.mark(r.action.vip);
      },
    });
    const sendSeconds = (this.now() - t) / 1000;
    const sent: GarpAction[] = [];
    for (const r of results) {
      if (r.status === "sent") {
        this.metrics.garpSent.inc({ vip: r.action.vip, node: r.action.toNode });
        sent.push(r.action);
      } else {
        outcome.set(r.action, actionReport(r.action, "failed", r.error));
      }
    }

    t = this.now();
    const macOwners = new Map<Mac, string>();
    for (const n of analysis.nodes) if (n.mac) macOwners.set(n.mac, n.name);
    const verified = await verifyActions(sent, {
      readRouters: () => ctx.collector.readRouters(),
      routers: trusted,
      timeoutMs: ctx.config.remediation.verifyTimeoutMs,
      intervalMs: ctx.config.remediation.verifyIntervalMs,
      macOwners,
    });
    const verifySeconds = (this.now() - t) / 1000;
    for (const a of sent) {
      const v = verified.get(a.vip) ?? { status: "failed" as const, error: "not verified" };
      outcome.set(a, actionReport(a, v.status, v.error));
    }

    const actions = planned.map((a) => outcome.get(a)!);
    for (const r of actions) {
      // Counts actions that did not achieve their purpose, whether the send or the router failed.
      if (r.status === "failed") this.metrics.garpFailures.inc({ vip: r.vip, node: r.to.node });
    }
    return { actions, anySent: sent.length > 0, sendSeconds, verifySeconds };
  }
}
