// The JSON report of one remediation run: what the routers showed before and after, and
// what happened to each planned action. Shared by /remediate, the CLI and the audit log.
import type { RemediationMode } from "../config/types.js";
import type { Analysis, Distrust, GarpAction, Mac, PlanBlocked } from "../model/types.js";

/** reconciler: remediation.mode auto; refresh: remediation.refresh_interval (never a move). */
export type Trigger = "manual" | "alertmanager" | "cli" | "reconciler" | "refresh";
export const TRIGGERS: readonly Trigger[] = ["manual", "alertmanager", "cli", "reconciler", "refresh"];
export type ActionStatus = "planned" | "sent" | "verified" | "failed" | "skipped";
export const ACTION_STATUSES: readonly ActionStatus[] = ["planned", "sent", "verified", "failed", "skipped"];

export interface StateOfRouter {
  counts: Record<string, number>;
  ratio: number;
}

export interface StateSummary extends StateOfRouter {
  /** Readable routers only; unreadable ones are listed in `errors`. */
  routers: Record<string, StateOfRouter>;
  /** Routers that could not be read, with the reason. Absent when all were read. */
  errors?: Record<string, string>;
}

export interface ActionReport {
  vip: string;
  from: { node: string | null; mac: Mac | null };
  to: { node: string; mac: Mac };
  status: ActionStatus;
  error?: string;
  /**
   * Set when the report was made before every arping of the action had finished: which GARPs
   * had gone out by then (the audit record, written once they all have, says how they ended).
   */
  sending?: string;
}

export interface RemediationReport {
  /** Also true for every run in remediation.mode plan. */
  dryRun: boolean;
  /** remediation.mode when the run started. */
  mode: RemediationMode;
  /** Says what the run did not do and why (mode plan: nothing was sent). */
  message?: string;
  trigger: Trigger;
  startedAt: string;
  durationSeconds: number;
  before: StateSummary;
  /** null on a dry run. */
  after: StateSummary | null;
  actions: ActionReport[];
  blocked: PlanBlocked[];
  /** Routers whose view was not trusted (model/guard.ts): nothing was planned or verified from them. */
  distrusted: Distrust[];
  /** Set when nothing could be planned at all (no router's view can be trusted). */
  error?: string;
  /** No action failed and every router's view was trusted. */
  ok: boolean;
  /** This request was answered with the outcome of a run already in flight that covered it. */
  joined?: { trigger: Trigger; startedAt: string };
}

/**
 * Counts and ratio per readable router; the top level repeats the worst router's (highest
 * ratio, first in config order on ties), so one glance tells whether anything is off.
 */
export function summarize(analysis: Analysis): StateSummary {
  const routers: Record<string, StateOfRouter> = {};
  const errors: Record<string, string> = {};
  let worst: StateOfRouter | null = null;
  for (const r of analysis.routers) {
    if (!r.ok) {
      errors[r.router] = r.error ?? "could not be read";
      continue;
    }
    const state = { counts: { ...r.counts }, ratio: r.imbalanceRatio };
    routers[r.router] = state;
    if (worst === null || state.ratio > worst.ratio) worst = state;
  }
  const summary: StateSummary = { counts: worst?.counts ?? {}, ratio: worst?.ratio ?? 0, routers };
  if (Object.keys(errors).length > 0) summary.errors = errors;
  return summary;
}

export function actionReport(a: GarpAction, status: ActionStatus, error?: string): ActionReport {
  const r: ActionReport = {
    vip: a.vip,
    from: { node: a.fromNode, mac: a.fromMac },
    to: { node: a.toNode, mac: a.toMac },
    status,
  };
  if (error !== undefined) r.error = error;
  return r;
}
