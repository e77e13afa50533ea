// Remediation counters. The names are part of the contract (DESIGN.md): never rename.
import { Counter, type Registry } from "prom-client";

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
 * The GARP counters are not created ahead for every VIP x node (at 100 nodes x 1000 VIPs
 * that was 200k always-zero series): a pair appears at its first GARP. The run counters have
 * no labels and start at 0, and a failed GARP always fails its run, so the rules see the first
 * failure through them; docs/metrics.md shows the idiom for the first increment of a pair.
 */
export function createRemediationMetrics(registry: Registry): RemediationMetrics {
  const registers = [registry];
  return {
    garpSent: new Counter({
      name: "vip_arp_garp_sent_total",
      help: "Gratuitous ARP announcements sent by remediation (one per action whose arping commands succeeded); a VIP x node pair appears at its first GARP.",
      labelNames: ["vip", "node"] as const,
      registers,
    }),
    garpFailures: new Counter({
      name: "vip_arp_garp_failures_total",
      help: "Remediation actions that failed: arping could not be run, or the routers did not take the announcement; a VIP x node pair appears at its first failure.",
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
}
