// One remediation run: collect -> plan -> (dry run: report the plan) -> cooldown -> send
// GARPs -> verify on the routers -> re-collect -> report and audit. One run at a time.
import type { Config } from "../config/types.js";
import type { Collector } from "../collect/types.js";
import type { Logger } from "../log.js";
import type { Analysis, GarpAction, Mac } from "../model/types.js";
import { plan as makePlan } from "../model/plan.js";
import { AuditLog } from "./audit.js";
import { Cooldown } from "./cooldown.js";
import { BusyError, RemediationRequestError } from "./errors.js";
import { executeActions } from "./executor.js";
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

export class Remediator {
  readonly config: Config;
  private readonly collector: Collector;
  private readonly log: Logger;
  private readonly metrics: RemediationMetrics;
  private readonly now: () => number;
  private readonly cooldown: Cooldown;
  /** Also read by the status page (its last records). */
  readonly audit: AuditLog;
  private inFlight = false;

  constructor(opts: RemediatorOptions) {
    this.config = opts.config;
    this.collector = opts.collector;
    this.log = opts.log;
    this.metrics = opts.metrics;
    this.now = opts.now ?? Date.now;
    this.cooldown = new Cooldown(opts.config.remediation.cooldownMs, this.now);
    this.audit = new AuditLog(opts.config.remediation.auditLogFile, opts.log);
  }

  get running(): boolean {
    return this.inFlight;
  }

  /** Throws BusyError when a run is in flight, RemediationRequestError on a bad request. */
  async run(req: RemediationRequest): Promise<RemediationReport> {
    // Checked and set synchronously: concurrent callers cannot both get past here.
    if (this.inFlight) throw new BusyError();
    this.inFlight = true;
    try {
      return await this.runOnce(req);
    } finally {
      this.inFlight = false;
    }
  }

  private async runOnce(req: RemediationRequest): Promise<RemediationReport> {
    const dryRun = req.dryRun === true;
    const unknown = (req.vips ?? []).filter((v) => !this.config.vips.includes(v));
    if (unknown.length > 0) {
      throw new RemediationRequestError(
        `unknown VIP ${unknown.join(", ")}: configured VIPs are ${this.config.vips.join(", ")}`,
      );
    }
    const startedMs = this.now();
    const who =
      req.trigger === "cli" ? "cli" : req.trigger === "alertmanager" ? `alertmanager receiver ${req.receiver ?? "(unnamed)"}` : "token";
    let sendSeconds = 0;
    let verifySeconds = 0;
    try {
      const before = await this.collector.collect();
      // Knowing no router's view, a plan would be empty and the run would look fine: refuse.
      const readable = before.analysis.routers.filter((r) => r.ok);
      if (readable.length === 0) {
        const why = before.analysis.routers.map((r) => `${r.router}: ${r.error ?? "no answer"}`).join("; ");
        throw new Error(`no router could be read, nothing was planned or sent (${why})`);
      }
      const planned = makePlan(before.analysis, {
        preferred: this.config.remediation.preferred,
        reassert: req.reassert === true,
        ...(req.vips ? { vips: req.vips } : {}),
      });

      let actions: ActionReport[];
      let after: RemediationReport["after"] = null;
      if (dryRun) {
        actions = planned.actions.map((a) => actionReport(a, "planned"));
      } else {
        const applied = await this.apply(planned.actions, before.analysis);
        ({ actions, sendSeconds, verifySeconds } = applied);
        // Something went out: show the routers as they are now; else nothing changed.
        after = applied.anySent ? summarize((await this.collector.collect({ fresh: true })).analysis) : summarize(before.analysis);
      }

      const report: RemediationReport = {
        dryRun,
        trigger: req.trigger,
        startedAt: new Date(startedMs).toISOString(),
        durationSeconds: (this.now() - startedMs) / 1000,
        before: summarize(before.analysis),
        after,
        actions,
        blocked: planned.blocked,
        ok: actions.every((a) => a.status !== "failed"),
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
        plan: { targets: planned.targets, actions: planned.actions, blocked: planned.blocked },
        results: actions,
        ok: report.ok,
        durations: { totalSeconds: report.durationSeconds, sendSeconds, verifySeconds },
      });
      this.log.info(
        {
          trigger: req.trigger,
          dryRun,
          ok: report.ok,
          actions: actions.map((a) => `${a.vip}->${a.to.node}:${a.status}`),
          ratioBefore: report.before.ratio,
          ratioAfter: report.after?.ratio,
        },
        dryRun ? "remediation dry run" : "remediation run finished",
      );
      return report;
    } catch (err) {
      if (!dryRun) {
        this.metrics.remediations.inc();
        this.metrics.remediationFailures.inc();
      }
      await this.audit.write({
        time: new Date(startedMs).toISOString(),
        who,
        trigger: req.trigger,
        dryRun,
        ...(req.groupKey !== undefined ? { groupKey: req.groupKey } : {}),
        ...(req.alerts ? { alerts: req.alerts } : {}),
        plan: { targets: {}, actions: [], blocked: [] },
        results: [],
        ok: false,
        durations: { totalSeconds: (this.now() - startedMs) / 1000, sendSeconds, verifySeconds },
        error: (err as Error).message,
      });
      throw err;
    }
  }

  /** Cooldown, send, verify. Reports come back in plan order. */
  private async apply(
    planned: GarpAction[],
    analysis: Analysis,
  ): Promise<{ actions: ActionReport[]; anySent: boolean; sendSeconds: number; verifySeconds: number }> {
    const outcome = new Map<GarpAction, ActionReport>();
    const toSend: GarpAction[] = [];
    for (const a of planned) {
      const skip = this.cooldown.check(a.vip);
      if (skip) outcome.set(a, actionReport(a, "skipped", skip));
      else toSend.push(a);
    }

    let t = this.now();
    const results = await executeActions(toSend, {
      config: this.config,
      runner: (n) => this.collector.runner(n),
      log: this.log,
    });
    const sendSeconds = (this.now() - t) / 1000;
    const sent: GarpAction[] = [];
    for (const r of results) {
      if (r.status === "sent") {
        this.cooldown.mark(r.action.vip);
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
      readRouters: () => this.collector.readRouters(),
      timeoutMs: this.config.remediation.verifyTimeoutMs,
      intervalMs: this.config.remediation.verifyIntervalMs,
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
