// How long a shutdown waits for a remediation run in flight: what its remaining steps can take
// at most by their own timeouts, plus a margin. Past it the run is recorded as interrupted.
import type { Config } from "../config/types.js";
import { isIpv4 } from "../model/net.js";
import { PACING_WINDOW_MS } from "../remediate/pacing.js";
import type { RunProgress } from "../remediate/remediator.js";

export const SHUTDOWN_MARGIN_MS = 5_000;

export function runBoundMs(config: Config, progress: RunProgress | null): number {
  const r = config.remediation;
  const forms = r.garpMode === "both" ? 2 : 1;
  // One arping: its packets (-c N lasts N-1 s) plus the SSH command timeout; an IPv6 VIP's
  // ndptool sends one NA per command: N commands, each bounded by the SSH timeout.
  const ssh = config.ssh?.timeoutMs ?? 5_000;
  const perAction = Math.max(forms * ((r.garpCount - 1) * 1000 + ssh), config.vips.some((v) => !isIpv4(v)) ? r.garpCount * ssh : 0);
  // Actions on one node run one after another; nodes in parallel. Unknown yet: every VIP on one node.
  const perNode = new Map<string, number>();
  for (const a of progress?.planned ?? []) perNode.set(a.toNode, (perNode.get(a.toNode) ?? 0) + 1);
  const queue = progress && progress.planned.length > 0 ? Math.max(...perNode.values()) : config.vips.length;
  // Pacing (max_garp_rate) spreads a node's packets: at worst one window per `rate` of them.
  const paced = Math.ceil((queue * forms * r.garpCount) / r.maxGarpRate) * PACING_WINDOW_MS;
  // Collect before and after, send, verify.
  return 2 * config.scrapeTimeoutMs + queue * perAction + paced + r.verifyTimeoutMs + SHUTDOWN_MARGIN_MS;
}
