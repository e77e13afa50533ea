// One remediation run: collect -> plan (the guard inside: only trusted views) -> (dry run or
// remediation.mode plan: report the plan) -> cooldown -> send GARPs, paced per node, each
// action re-reading the routers right before it goes out -> verify on the routers from each
// action's first GARP -> re-collect -> report; the audit record follows once every arping has
// finished. One run at a time. A run keeps the config and collector it started with; a reload
// (setContext) applies to the next run. While a run is in flight, `progress` says what went
// out, so a shutdown that cannot wait still records it (recordInterrupted).
import type { Config } from "../config/types.js";
import type { Collector } from "../collect/types.js";
import type { Logger } from "../log.js";
import type { Analysis, Distrust, GarpAction, Mac, ObservedRouter } from "../model/types.js";
import { analyze } from "../model/analyze.js";
import { plan as makePlan } from "../model/plan.js";
import { AuditLog, type AuditRecord } from "./audit.js";
import { Cooldown } from "./cooldown.js";
import { BusyError, RemediationRequestError, ShuttingDownError } from "./errors.js";
import { executeActions, type SendResult } from "./executor.js";
import type { RemediationMetrics } from "./metrics.js";
import { NotificationLog } from "./notifications.js";
import { Pacers } from "./pacing.js";
import { refreshPlan } from "./refresh-plan.js";
import { actionReport, summarize, type ActionReport, type RemediationReport, type Trigger } from "./report.js";
import { countRun, createRunMetrics, type RunMetrics } from "./run-metrics.js";
import { verifyActions, type SendState } from "./verify.js";

export { BusyError, RemediationRequestError, ShuttingDownError } from "./errors.js";

export interface RemediationRequest {
  trigger: Trigger;
  dryRun?: boolean;
  /** Restrict actions to these VIPs (each must be configured). */
  vips?: string[];
  /** Announce every VIP from its target even when the routers agree. */
  reassert?: boolean;
  /** Re-announce each VIP from the node the routers already send it to (never a move). */
  refresh?: boolean;
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
  /** Runs and actions by trigger (default: counted in a registry nobody scrapes). */
  runMetrics?: RunMetrics;
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
  /** Actions whose first arping has started (its first GARP left). */
  started: GarpAction[];
  /** Actions whose arping commands finished (sent, failed or skipped), in the order they finished. */
  finished: SendResult[];
}

/** The report's error when every router's view was distrusted. */
function noTrustedView(distrusted: Distrust[]): string {
  return `no router's view can be trusted, nothing was planned or sent (${distrusted.map((d) => `${d.router} ${d.reason}`).join("; ")})`;
}

function whoOf(req: RemediationRequest): string {
  if (req.trigger === "alertmanager") return `alertmanager receiver ${req.receiver ?? "(unnamed)"}`;
  if (req.trigger === "manual") return "token";
  return req.trigger;
}

/** Whether a run asked for with `running` does everything `wanted` asks for. */
export function covers(running: RemediationRequest, wanted: RemediationRequest): boolean {
  if (running.refresh || wanted.refresh) return false;
  if ((running.dryRun === true) !== (wanted.dryRun === true)) return false;
  if (wanted.reassert && !running.reassert) return false;
  if (running.vips === undefined) return true;
  return wanted.vips !== undefined && wanted.vips.every((v) => running.vips!.includes(v));
}

interface Context {
  config: Config;
  collector: Collector;
}

interface Flight {
  req: RemediationRequest;
  /** The answer, as soon as it is known (before every arping has finished). */
  report: Promise<RemediationReport>;
  /** The whole run: every arping finished, audited. Never rejects. */
  done: Promise<void>;
}

type Listener = (report: RemediationReport) => void;

/** Shares one router read among the actions and verification passes that want one now. */
class SharedRead {
  private pending: Promise<ObservedRouter[]> | null = null;
  /** The routers as the last read that finished showed them. */
  last: ObservedRouter[] | null = null;
  constructor(private readonly read: () => Promise<ObservedRouter[]>) {}
  get(): Promise<ObservedRouter[]> {
    this.pending ??= this.read()
      .then((r) => (this.last = r))
      .finally(() => (this.pending = null));
    return this.pending;
  }
}

export class Remediator {
  private ctx: Context;
  private readonly log: Logger;
  private readonly metrics: RemediationMetrics;
  private readonly runMetrics: RunMetrics;
  private readonly now: () => number;
  private readonly cooldown: Cooldown;
  private readonly pacers: Pacers;
  /** Alertmanager notifications answered with success, for "already handled". */
  readonly notifications: NotificationLog;
  /** Also read by the status page (its last records). */
  readonly audit: AuditLog;
  private flight: Flight | null = null;
  private current: RunProgress | null = null;
  private stopped = false;
  private readonly listeners: Listener[] = [];

  constructor(opts: RemediatorOptions) {
    this.ctx = { config: opts.config, collector: opts.collector };
    this.log = opts.log;
    this.metrics = opts.metrics;
    this.runMetrics = opts.runMetrics ?? createRunMetrics();
    this.now = opts.now ?? Date.now;
    this.cooldown = new Cooldown(opts.config.remediation.cooldownMs, this.now);
    this.pacers = new Pacers(opts.config.remediation.maxGarpRate);
    this.notifications = new NotificationLog(opts.config.remediation.cooldownMs, this.now);
    this.audit = new AuditLog(opts.config.remediation.auditLogFile, opts.log);
  }

  /** The config the next run uses. */
  get config(): Config {
    return this.ctx.config;
  }

  get running(): boolean {
    return this.flight !== null;
  }

  /** What the run in flight has done so far; null when none is. */
  get progress(): RunProgress | null {
    return this.current;
  }

  /** A reloaded config: the next run uses it; cooldowns carry over (they protect the network, not a config). */
  setContext(config: Config, collector: Collector): void {
    this.ctx = { config, collector };
    this.cooldown.setWindow(config.remediation.cooldownMs);
    this.notifications.setWindow(config.remediation.cooldownMs);
    this.pacers.setRate(config.remediation.maxGarpRate);
    this.audit.setFile(config.remediation.auditLogFile);
  }

  /** Why a GARP for `vip` would be skipped now (its cooldown), or null. */
  coolingDown(vip: string): string | null {
    return this.cooldown.check(vip);
  }

  /** Called with every report (the reconciler learns verification outcomes from it). */
  onReport(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Refuse new runs (shutdown); a run in flight goes on. */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when no run is in flight (never rejects). */
  async idle(): Promise<void> {
    while (this.flight) await this.flight.done;
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
    const skipped = p.finished.filter((r) => r.status === "skipped").map((r) => actionReport(r.action, "skipped", r.error));
    const done = new Set(p.finished.map((r) => r.action));
    const unknown = p.planned
      .filter((a) => !done.has(a))
      .map((a) =>
        actionReport(
          a,
          "planned",
          p.started.includes(a)
            ? "interrupted while arping was sending: its first GARP had gone out, the others may not have"
            : "interrupted before its arping started: it was not sent",
        ),
      );
    const inFlight = p.planned.filter((a) => !done.has(a) && p.started.includes(a)).length;
    const record: AuditRecord = {
      time: p.startedAt,
      who: p.who,
      trigger: p.trigger,
      dryRun: p.dryRun,
      ...(p.groupKey !== undefined ? { groupKey: p.groupKey } : {}),
      ...(p.alerts ? { alerts: p.alerts } : {}),
      plan: { targets: {}, actions: p.planned, blocked: [] },
      results: [...sent, ...failed, ...skipped, ...unknown],
      ok: false,
      durations: { totalSeconds: (this.now() - Date.parse(p.startedAt)) / 1000, sendSeconds: 0, verifySeconds: 0 },
      error: `interrupted by a second ${signal}: the process exited before the run finished; ${sent.length} GARP action(s) had been sent in full and ${inFlight} had started, none verified`,
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
  run(req: RemediationRequest): Promise<RemediationReport> {
    // Checked and set synchronously: concurrent callers cannot both get past here.
    if (this.stopped) return Promise.reject(new ShuttingDownError());
    if (this.flight) return Promise.reject(new BusyError());
    return this.launch(req, this.ctx).report;
  }

  /**
   * Never BusyError: waits for a run in flight and answers with its report when that run
   * covers this request (the answer says so in `joined`); else runs right after it.
   */
  async runWhenFree(req: RemediationRequest): Promise<RemediationReport> {
    for (;;) {
      const f = this.flight;
      if (!f) return this.run(req);
      if (covers(f.req, req)) {
        const report = await f.report.catch(() => null);
        if (report) return { ...report, joined: { trigger: report.trigger, startedAt: report.startedAt } };
      }
      await f.done;
    }
  }

  private launch(req: RemediationRequest, ctx: Context): Flight {
    let deliver!: (r: RemediationReport) => void;
    let refuse!: (err: unknown) => void;
    const report = new Promise<RemediationReport>((resolve, reject) => {
      deliver = resolve;
      refuse = reject;
    });
    report.catch(() => undefined); // the caller observes it
    let delivered = false;
    const done = this.runOnce(req, ctx, (r) => {
      delivered = true;
      deliver(r);
      for (const l of this.listeners) l(r);
    })
      .catch((err: unknown) => {
        if (!delivered) refuse(err);
        else this.log.error({ err: (err as Error).message }, "remediation run failed after its report was sent");
      })
      .finally(() => {
        this.flight = null;
        this.current = null;
      });
    this.flight = { req, report, done };
    return this.flight;
  }

  private async runOnce(req: RemediationRequest, ctx: Context, deliver: (r: RemediationReport) => void): Promise<void> {
    const { config, collector } = ctx;
    const mode = config.remediation.mode;
    // remediation.mode plan: every trigger plans and reports, nothing is sent.
    const dryRun = req.dryRun === true || mode === "plan";
    const planOnly = mode === "plan" && req.dryRun !== true;
    const refresh = req.refresh === true;
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
      started: [],
      finished: [],
    };
    this.current = progress;
    const audited = (extra: Partial<AuditRecord>): Omit<AuditRecord, "plan" | "results" | "ok" | "durations"> => ({
      time: progress.startedAt,
      who,
      trigger: req.trigger,
      dryRun,
      ...(planOnly ? { mode } : {}),
      ...(req.groupKey !== undefined ? { groupKey: req.groupKey } : {}),
      ...(req.alerts ? { alerts: req.alerts } : {}),
      ...extra,
    });
    try {
      const before = await collector.collect();
      const planned = refresh
        ? (() => {
            const p = refreshPlan(before.analysis);
            return { targets: {}, actions: p.actions, blocked: p.skipped, distrusted: p.distrusted };
          })()
        : makePlan(before.analysis, {
            preferred: config.remediation.preferred,
            reassert: req.reassert === true,
            ...(req.vips ? { vips: req.vips } : {}),
          });
      const actionsPlanned = req.vips && refresh ? planned.actions.filter((a) => req.vips!.includes(a.vip)) : planned.actions;

      // The guard (in the planner): a view that could not be read in full is never acted on.
      const trustedAny = planned.distrusted.length < before.analysis.routers.length && !(refresh && planned.distrusted.length > 0);
      const trusted = before.analysis.routers.map((r) => r.router).filter((r) => !planned.distrusted.some((d) => d.router === r));
      let actions: ActionReport[];
      let after: RemediationReport["after"] = null;
      let tail: Promise<Tail> | null = null;
      if (!trustedAny) {
        actions = [];
        after = dryRun ? null : summarize(before.analysis);
      } else if (dryRun) {
        actions = actionsPlanned.map((a) => actionReport(a, "planned"));
      } else {
        const applied = await this.apply(ctx, progress, actionsPlanned, before.analysis, trusted, refresh);
        actions = applied.actions;
        tail = applied.tail;
        // Something went out: show the routers as verification last read them (the nodes have
        // not changed since the run's collection); else nothing changed.
        after = !applied.anySent
          ? summarize(before.analysis)
          : applied.lastRead
            ? summarize(analyze({ ...before.observation, routers: applied.lastRead }))
            : summarize((await collector.collect({ fresh: true })).analysis);
      }

      const message = planOnly
        ? "remediation.mode is plan: nothing was sent; these are the actions a run would take"
        : refresh && !trustedAny
          ? "refresh skipped: a router's view cannot be trusted, and a refresh never announces on a view it could not read"
          : undefined;
      const report: RemediationReport = {
        dryRun,
        mode,
        ...(message ? { message } : {}),
        trigger: req.trigger,
        startedAt: progress.startedAt,
        durationSeconds: (this.now() - startedMs) / 1000,
        before: summarize(before.analysis),
        after,
        actions,
        blocked: planned.blocked,
        distrusted: planned.distrusted,
        ...(trustedAny || refresh ? {} : { error: noTrustedView(planned.distrusted) }),
        ok: planned.distrusted.length === 0 && actions.every((a) => a.status !== "failed"),
      };
      // Every arping done already (a short -c): audit first, as a run always did; else answer
      // now and audit once they have all finished.
      const finished = tail ? await Promise.race([tail, Promise.resolve(null)]) : { actions, sendSeconds: 0, verifySeconds: 0 };
      if (finished === null) deliver(report);

      // The audit record and the counters say how every arping ended.
      const final = finished ?? (await tail!);
      if (!dryRun && !refresh) {
        this.metrics.remediations.inc();
        if (!report.ok || final.actions.some((a) => a.status === "failed")) this.metrics.remediationFailures.inc();
      }
      countRun(this.runMetrics, req.trigger, final.actions.map((a) => a.status));
      await this.audit.write({
        ...audited({ distrusted: planned.distrusted, ...(report.error ? { error: report.error } : {}), ...(message ? { message } : {}) }),
        plan: { targets: planned.targets, actions: trustedAny ? actionsPlanned : [], blocked: planned.blocked },
        results: final.actions,
        ok: report.ok && final.actions.every((a) => a.status !== "failed"),
        durations: { totalSeconds: (this.now() - startedMs) / 1000, sendSeconds: final.sendSeconds, verifySeconds: final.verifySeconds },
      });
      this.log.info(
        {
          trigger: req.trigger,
          dryRun,
          mode,
          ok: report.ok,
          actions: final.actions.map((a) => `${a.vip}->${a.to.node}:${a.status}`),
          ratioBefore: report.before.ratio,
          ratioAfter: report.after?.ratio,
          ...(planned.distrusted.length ? { distrusted: planned.distrusted.map((d) => `${d.router}: ${d.reason}`) } : {}),
        },
        !trustedAny
          ? refresh
            ? "refresh skipped: a router's view cannot be trusted"
            : "remediation refused: no router's view can be trusted, nothing was planned or sent"
          : planOnly
            ? "remediation planned only (remediation.mode plan): nothing was sent"
            : dryRun
              ? "remediation dry run"
              : refresh
                ? "refresh finished"
                : "remediation run finished",
      );
      if (finished !== null) deliver({ ...report, actions: final.actions });
    } catch (err) {
      if (!dryRun && !refresh) {
        this.metrics.remediations.inc();
        this.metrics.remediationFailures.inc();
      }
      countRun(this.runMetrics, req.trigger, []);
      const sent = progress.finished.filter((r) => r.status === "sent").map((r) => actionReport(r.action, "sent"));
      await this.audit.write({
        ...audited({ error: (err as Error).message }),
        plan: { targets: {}, actions: progress.planned, blocked: [] },
        results: sent,
        ok: false,
        durations: { totalSeconds: (this.now() - startedMs) / 1000, sendSeconds: 0, verifySeconds: 0 },
      });
      throw err;
    }
  }

  /**
   * Cooldown, send (paced; each action re-reads the routers first), verify from each action's
   * first GARP. Resolves once verification is done, with the reports in plan order; `tail`
   * resolves once every arping has finished, with the final reports.
   */
  private async apply(
    ctx: Context,
    progress: RunProgress,
    planned: GarpAction[],
    analysis: Analysis,
    trusted: string[],
    refresh: boolean,
  ): Promise<{ actions: ActionReport[]; anySent: boolean; tail: Promise<Tail>; lastRead: ObservedRouter[] | null }> {
    const outcome = new Map<GarpAction, ActionReport>();
    const toSend: GarpAction[] = [];
    for (const a of planned) {
      // A refresh moves nothing, so the cooldown (which guards against storms of moves) neither
      // holds it back nor is set by it: a repair right after a refresh still goes out.
      const skip = refresh ? null : this.cooldown.check(a.vip);
      if (skip) outcome.set(a, actionReport(a, "skipped", skip));
      else toSend.push(a);
    }
    progress.planned = toSend;

    const macOwners = new Map<Mac, string>();
    for (const n of analysis.nodes) if (n.mac) macOwners.set(n.mac, n.name);
    const routers = new SharedRead(() => ctx.collector.readRouters());
    const state = new Map<GarpAction, SendState>(toSend.map((a) => [a, { state: "queued" }]));
    const sendResults = new Map<GarpAction, SendResult>();
    const t0 = this.now();
    let firstStart: number | null = null;
    const sending = executeActions(toSend, {
      config: ctx.config,
      runner: (n) => ctx.collector.runner(n),
      log: this.log,
      pacers: this.pacers,
      now: this.now,
      beforeSend: async (a) => preSendSkip(a, await routers.get().catch(() => null), trusted, macOwners, refresh),
      onStart: (a, at) => {
        firstStart ??= at;
        progress.started.push(a);
        state.set(a, { state: "started", atMs: at });
        // Marked as soon as its first GARP left: a run that fails later must not lift the cooldown.
        if (!refresh) this.cooldown.mark(a.vip);
      },
      onResult: (r) => {
        progress.finished.push(r);
        sendResults.set(r.action, r);
        if (r.status !== "sent") state.set(r.action, { state: "dropped" });
      },
    });

    // A refresh moves nothing, so there is nothing to verify: it is done when arping is.
    const verifying = refresh
      ? sending.then(() => new Map())
      : verifyActions(toSend, {
          readRouters: () => routers.get(),
          routers: trusted,
          timeoutMs: ctx.config.remediation.verifyTimeoutMs,
          intervalMs: ctx.config.remediation.verifyIntervalMs,
          macOwners,
          now: this.now,
          sendState: (a) => state.get(a)!,
        });
    const verified = await verifying;
    const verifySeconds = (this.now() - (firstStart ?? t0)) / 1000;

    const reportOf = (a: GarpAction, finished: boolean): ActionReport => {
      const sent = sendResults.get(a);
      if (sent && sent.status !== "sent") return actionReport(a, sent.status, sent.error);
      if (refresh) return actionReport(a, "sent");
      const v = verified.get(a.vip) ?? { status: "failed" as const, error: "not verified" };
      const r = actionReport(a, v.status, v.error);
      if (!finished && !sent) r.sending = sendingNote(ctx.config);
      return r;
    };
    for (const a of toSend) outcome.set(a, reportOf(a, false));
    const actions = planned.map((a) => outcome.get(a)!);
    const anySent = progress.started.length > 0;

    const tail = sending.then((results): Tail => {
      const sendSeconds = (this.now() - t0) / 1000;
      for (const r of results) {
        if (r.status === "sent" && !refresh) this.metrics.garpSent.inc({ vip: r.action.vip, node: r.action.toNode });
        const final = reportOf(r.action, true);
        // Verified before a later form of its arping failed: the router took it; say what failed.
        if (final.status === "verified" && r.status === "failed") final.error = `verified; then ${r.error}`;
        outcome.set(r.action, final);
      }
      const finalActions = planned.map((a) => outcome.get(a)!);
      for (const r of finalActions) {
        // Counts actions that did not achieve their purpose, whether the send or the router failed.
        if (r.status === "failed" && !refresh) this.metrics.garpFailures.inc({ vip: r.vip, node: r.to.node });
      }
      return { actions: finalActions, sendSeconds, verifySeconds };
    });
    return { actions, anySent, tail, lastRead: refresh ? null : routers.last };
  }
}

interface Tail {
  actions: ActionReport[];
  sendSeconds: number;
  verifySeconds: number;
}

/** What a report made while arping still runs says about the GARPs that went out. */
function sendingNote(config: Config): string {
  const { garpCount, garpMode } = config.remediation;
  const forms = garpMode === "both" ? "each form's" : "its";
  return garpCount > 1
    ? `${forms} first GARP had gone out when this was reported; arping sends the other ${garpCount - 1} one a second (the audit record says how they ended)`
    : `${forms} GARP had been handed to arping when this was reported (the audit record says how it ended)`;
}

/**
 * The check right before an action is sent, on a fresh read: a repair whose VIP every trusted
 * router already maps where the plan wants it is skipped (another run or the node itself got
 * there first); a refresh whose VIP moved since it was planned is skipped (never a move).
 */
export function preSendSkip(
  a: GarpAction,
  routers: ObservedRouter[] | null,
  trusted: string[],
  macOwners: Map<Mac, string>,
  refresh: boolean,
): string | null {
  const read = (routers ?? []).filter((r) => trusted.includes(r.name) && r.reading !== null);
  if (refresh && read.length < trusted.length) return "not refreshed: a router could not be re-read right before sending, and a refresh never announces on a view it could not read";
  if (read.length === 0 || (!refresh && a.reason !== "move")) return null; // cannot tell, or announced on purpose
  const entries = read.map((r) => ({ router: r.name, entry: r.reading!.entries.find((e) => e.vip === a.vip) }));
  const atTarget = entries.every((e) => e.entry?.mac === a.toMac);
  if (!refresh && atTarget && read.length === trusted.length) {
    return `already where the plan wants it: ${entries.map((e) => e.router).join(", ")} map ${a.vip} to ${a.toNode} (${a.toMac}) on a re-read right before sending`;
  }
  if (refresh && !atTarget) {
    const moved = entries.find((e) => e.entry?.mac !== a.toMac)!;
    const now = moved.entry ? `${moved.entry.mac} (${macOwners.get(moved.entry.mac) ?? "unknown node"})` : "no entry";
    return `not refreshed: ${moved.router} now maps ${a.vip} to ${now}, and a refresh never moves a VIP`;
  }
  return null;
}
