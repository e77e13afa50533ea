// Remediation counters. The names are part of the contract (DESIGN.md): never rename.
import { Counter, type Registry } from "prom-client";
import type { Config } from "../config/types.js";

export interface RemediationMetrics {
  /** Actions whose arping commands all ran successfully on the node. */
  garpSent: Counter<"vip" | "node">;
  /** Actions that ended `failed`: the send failed, or the routers did not take the GARP. */
  garpFailures: Counter<"vip" | "node">;
  /** Remediation runs that were not dry runs. */
  remediations: Counter;
  /** Runs with at least one failed action, or that could not complete. */
  remediationFailures: Counter;
}

/**
 * With `config`, the GARP counters start at 0 for every configured VIP x node: a labelled
 * series that appears only at its first increment hides that increment from increase().
 */
export function createRemediationMetrics(registry: Registry, config?: Config): RemediationMetrics {
  const registers = [registry];
  const metrics: RemediationMetrics = {
    garpSent: new Counter({
      name: "vip_arp_garp_sent_total",
      help: "Gratuitous ARP announcements sent by remediation (one per action whose arping commands succeeded).",
      labelNames: ["vip", "node"] as const,
      registers,
    }),
    garpFailures: new Counter({
      name: "vip_arp_garp_failures_total",
      help: "Remediation actions that failed: arping could not be run, or the routers did not take the announcement.",
      labelNames: ["vip", "node"] as const,
      registers,
    }),
    remediations: new Counter({
      name: "vip_arp_remediations_total",
      help: "Remediation runs (dry runs excluded).",
      registers,
    }),
    remediationFailures: new Counter({
      name: "vip_arp_remediation_failures_total",
      help: "Remediation runs with at least one failed action or that could not complete.",
      registers,
    }),
  };
  for (const node of config?.nodes ?? []) {
    for (const vip of config?.vips ?? []) {
      metrics.garpSent.inc({ vip, node: node.name }, 0);
      metrics.garpFailures.inc({ vip, node: node.name }, 0);
    }
  }
  return metrics;
}
