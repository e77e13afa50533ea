// The reconciler's decision (remediation.mode auto): from what the collections showed, the
// clock and the settings, act now or not, and why. Pure: the memory goes in and comes out,
// the clock is a number, nothing here reads the network.
//
// It acts when the planner would change something (a node that holds VIPs gets none, the
// spread is uneven, a VIP goes to a node that does not hold it or to an unknown MAC) and the
// same problem has been seen in `after` consecutive collections. A node that was down in the
// previous collection and is up now starts the count afresh at 1 (the reboot trigger): the
// fallback a reboot left behind is undone within `after` collections, and never on the
// collection that first saw the node back. It holds back, and says why, while:
// - the guard distrusts a router's view (untrusted_view);
// - a VIP's owner changed more often than VIPOwnerFlapping allows in its window (flapping);
// - a VIP's last `breakerAfter` verifications for the same problem failed (circuit_open,
//   until its problem changes or the config is reloaded);
// - max_runs_per_hour runs started within the last hour (budget_exhausted).
import type { Distrust } from "../model/types.js";

export interface ReconcileSettings {
  after: number;
  maxRunsPerHour: number;
  /** Consecutive failed verifications of one VIP, for one problem, that stop the reconciler trying it. */
  breakerAfter: number;
  /** Owner changes of a VIP on a router above which it is flapping, within flapWindowMs. */
  flapChanges: number;
  flapWindowMs: number;
}

/** VIPOwnerFlapping: increase(vip_arp_owner_changes_total[30m]) > 3 (alerts/vip-arp.rules.yml). */
export const FLAP_CHANGES = 3;
export const FLAP_WINDOW_MS = 30 * 60_000;
/** Three failed verifications in a row for the same problem open a VIP's circuit breaker. */
export const BREAKER_AFTER = 3;
export const HOUR_MS = 3_600_000;

/** One collection, reduced to what the decision needs (view.ts builds it from an analysis). */
export interface ReconcileView {
  /** Routers whose view the guard does not trust. */
  distrusted: Distrust[];
  /** Nodes whose inventory was read. */
  up: string[];
  /** VIP -> its problem as a stable text (what the routers show, where the plan wants it), for VIPs the planner would move. */
  problems: Record<string, string>;
  /** "router|vip" -> the MAC each trusted router has for the VIP (null: no entry). */
  owners: Record<string, string | null>;
}

export interface ReconcileMemory {
  /** Up nodes of the previous collection; null before the first. */
  prevUp: string[] | null;
  /** Consecutive collections that showed `signature`. */
  count: number;
  signature: string;
  lastOwners: Record<string, string | null>;
  /** "router|vip" -> when its owner changed, within the flap window. */
  changes: Record<string, number[]>;
  /** Start times of the reconciler's runs within the last hour. */
  runs: number[];
  /** VIP -> consecutive failed verifications for one problem. */
  failures: Record<string, { problem: string; count: number }>;
}

export type HoldReason = "untrusted_view" | "flapping" | "circuit_open" | "budget_exhausted";
export const HOLD_REASONS: readonly HoldReason[] = ["untrusted_view", "flapping", "circuit_open", "budget_exhausted"];

export type Decision =
  | { state: "idle"; message: string; vips?: undefined }
  | { state: "waiting"; message: string; vips: string[] }
  | { state: "act"; message: string; vips: string[] }
  | { state: "holding_back"; reason: HoldReason; message: string; vips: string[] };

export function emptyMemory(): ReconcileMemory {
  return { prevUp: null, count: 0, signature: "", lastOwners: {}, changes: {}, runs: [], failures: {} };
}

export interface StepInput {
  view: ReconcileView;
  now: number;
  /** VIPs in their remediation cooldown now (a run would skip them). */
  cooling?: readonly string[];
}

/** Takes one collection into memory and decides. */
export function step(memory: ReconcileMemory, input: StepInput, s: ReconcileSettings): { memory: ReconcileMemory; decision: Decision } {
  const { view, now } = input;
  const m: ReconcileMemory = {
    ...memory,
    lastOwners: { ...memory.lastOwners },
    changes: Object.fromEntries(Object.entries(memory.changes).map(([k, v]) => [k, v.filter((t) => t > now - s.flapWindowMs)])),
    runs: memory.runs.filter((t) => t > now - HOUR_MS),
    failures: { ...memory.failures },
  };
  for (const [key, mac] of Object.entries(view.owners)) {
    const prev = m.lastOwners[key];
    // Counted like vip_arp_owner_changes_total: one MAC replaced by another.
    if (prev !== undefined && prev !== null && mac !== null && prev !== mac) m.changes[key] = [...(m.changes[key] ?? []), now];
    m.lastOwners[key] = mac;
  }
  const returned = memory.prevUp !== null && view.up.some((n) => !memory.prevUp!.includes(n));
  m.prevUp = [...view.up];

  if (view.distrusted.length > 0) {
    m.count = 0;
    m.signature = "";
    const why = view.distrusted.map((d) => `${d.router} ${d.reason}`).join("; ");
    return { memory: m, decision: { state: "holding_back", reason: "untrusted_view", message: `not acting on a view the guard distrusts: ${why}`, vips: [] } };
  }
  // A breaker closes when its VIP's problem changed or went away.
  for (const [vip, f] of Object.entries(m.failures)) if (view.problems[vip] !== f.problem) delete m.failures[vip];

  const vips = Object.keys(view.problems).sort();
  if (vips.length === 0) {
    m.count = 0;
    m.signature = "";
    return { memory: m, decision: { state: "idle", message: "every router's view is as the plan wants it" } };
  }
  const signature = JSON.stringify(vips.map((v) => [v, view.problems[v]]));
  m.count = returned || signature !== memory.signature ? 1 : memory.count + 1;
  m.signature = signature;

  const flapping = vips.filter((v) => Object.entries(m.changes).some(([k, t]) => k.endsWith(`|${v}`) && t.length > s.flapChanges));
  const open = vips.filter((v) => (m.failures[v]?.count ?? 0) >= s.breakerAfter);
  const cooling = vips.filter((v) => input.cooling?.includes(v));
  const candidates = vips.filter((v) => !flapping.includes(v) && !open.includes(v) && !cooling.includes(v));
  const list = (xs: string[]) => xs.join(", ");
  const excluded = [
    flapping.length ? `flapping: ${list(flapping)}` : "",
    open.length ? `circuit open: ${list(open)}` : "",
    cooling.length ? `in cooldown: ${list(cooling)}` : "",
  ].filter(Boolean);

  if (candidates.length === 0) {
    if (flapping.length > 0) {
      return hold(m, "flapping", `the owner of ${list(flapping)} changed more than ${s.flapChanges} times in ${s.flapWindowMs / 60_000} minutes (VIPOwnerFlapping): something else is announcing it`, flapping);
    }
    if (open.length > 0) {
      return hold(m, "circuit_open", `the last ${s.breakerAfter} verifications of ${list(open)} failed for the same problem; not retried until it changes or the config is reloaded`, open);
    }
    return { memory: m, decision: { state: "waiting", message: `every VIP to move is in its cooldown (${list(cooling)})`, vips } };
  }
  const also = excluded.length ? `; left out: ${excluded.join("; ")}` : "";
  if (m.count < s.after) {
    const why = returned && m.count === 1 ? "a node came back up, the count starts again" : "the problem must persist";
    return { memory: m, decision: { state: "waiting", message: `${list(candidates)} need a change, seen in ${m.count} of ${s.after} collections (${why})${also}`, vips: candidates } };
  }
  if (m.runs.length >= s.maxRunsPerHour) {
    const next = Math.ceil((m.runs[0]! + HOUR_MS - now) / 60_000);
    return hold(m, "budget_exhausted", `${m.runs.length} runs in the last hour (max_runs_per_hour ${s.maxRunsPerHour}); the next is allowed in about ${next} min${also}`, candidates);
  }
  return { memory: m, decision: { state: "act", message: `${list(candidates)} need a change, seen in ${m.count} consecutive collections${also}`, vips: candidates } };
}

function hold(m: ReconcileMemory, reason: HoldReason, message: string, vips: string[]): { memory: ReconcileMemory; decision: Decision } {
  return { memory: m, decision: { state: "holding_back", reason, message, vips } };
}

/** The reconciler started a run now: it counts against the hour, and the count starts again. */
export function recordRun(memory: ReconcileMemory, now: number): ReconcileMemory {
  return { ...memory, runs: [...memory.runs, now], count: 0 };
}

/**
 * Verification outcomes of any run, with each VIP's problem as the reconciler saw it: a failure
 * for the same problem adds to its breaker, a success closes it.
 */
export function recordVerifications(
  memory: ReconcileMemory,
  results: readonly { vip: string; status: string }[],
  problemOf: (vip: string) => string | undefined,
): ReconcileMemory {
  const failures = { ...memory.failures };
  for (const r of results) {
    if (r.status === "verified") delete failures[r.vip];
    if (r.status !== "failed") continue;
    const problem = problemOf(r.vip);
    if (problem === undefined) continue;
    const prev = failures[r.vip];
    failures[r.vip] = { problem, count: prev?.problem === problem ? prev.count + 1 : 1 };
  }
  return { ...memory, failures };
}

/** A reloaded config: every breaker closes (the operator may have fixed what kept failing). */
export function resetBreakers(memory: ReconcileMemory): ReconcileMemory {
  return { ...memory, failures: {} };
}
