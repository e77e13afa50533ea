// Runs and actions by trigger. New names next to the contract counters (vip_arp_remediations_total
// and friends keep their meaning and labels): these add who asked, refreshes included.
import { Counter, Registry } from "prom-client";
import { ACTION_STATUSES, TRIGGERS, type ActionStatus, type Trigger } from "./report.js";

export interface RunMetrics {
  /** Every run, dry runs and remediation.mode plan included. */
  runs: Counter<"trigger">;
  /** Every action of a run by its final status (planned: a dry run or mode plan). */
  actions: Counter<"trigger" | "status">;
}

/** Every trigger x status starts at 0, so increase() sees the first run of each. */
export function createRunMetrics(registry: Registry = new Registry()): RunMetrics {
  const registers = [registry];
  const m: RunMetrics = {
    runs: new Counter({
      name: "vip_arp_remediation_runs_total",
      help: "Remediation runs by trigger (manual, alertmanager, cli, reconciler, refresh), dry runs and mode plan included.",
      labelNames: ["trigger"] as const,
      registers,
    }),
    actions: new Counter({
      name: "vip_arp_remediation_actions_total",
      help: "Remediation actions by trigger and final status (planned, sent, verified, failed, skipped).",
      labelNames: ["trigger", "status"] as const,
      registers,
    }),
  };
  for (const trigger of TRIGGERS) {
    m.runs.inc({ trigger }, 0);
    for (const status of ACTION_STATUSES) m.actions.inc({ trigger, status }, 0);
  }
  return m;
}

export function countRun(m: RunMetrics, trigger: Trigger, statuses: readonly ActionStatus[]): void {
  m.runs.inc({ trigger });
  for (const status of statuses) m.actions.inc({ trigger, status });
}
