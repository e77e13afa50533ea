// After GARPs went out: re-read the routers until every announced VIP shows its target MAC
// on every readable router, or the deadline passes. The reason of a failure says what the
// router shows, so the operator knows whether to look at the router or the node.
import { isIpv4 } from "../model/net.js";
import type { GarpAction, Mac, ObservedRouter } from "../model/types.js";

export interface VerifyResult {
  status: "verified" | "failed";
  error?: string;
}

export interface VerifyDeps {
  readRouters(): Promise<ObservedRouter[]>;
  /** Only these routers are checked (the ones whose view the plan trusted); default: all. */
  routers?: string[];
  timeoutMs: number;
  intervalMs: number;
  /** MAC -> node name, for readable reasons. */
  macOwners: Map<Mac, string>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** One result per action, keyed by VIP. Never throws. */
export async function verifyActions(actions: GarpAction[], deps: VerifyDeps): Promise<Map<string, VerifyResult>> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + deps.timeoutMs;
  const results = new Map<string, VerifyResult>();
  if (actions.length === 0) return results;

  // Bounded: each pass waits intervalMs (at least 10 ms) until the deadline.
  for (;;) {
    let routers: ObservedRouter[] | null = null;
    let readError = "";
    try {
      routers = await deps.readRouters();
    } catch (err) {
      readError = `routers could not be re-read: ${(err as Error).message}`;
    }
    let pending = false;
    for (const a of actions) {
      const only = deps.routers ? new Set(deps.routers) : null;
      const checked = routers && only ? routers.filter((r) => only.has(r.name)) : routers;
      const r: VerifyResult = checked ? check(a, checked, deps.macOwners) : { status: "failed", error: readError };
      results.set(a.vip, r);
      if (r.status === "failed") pending = true;
    }
    if (!pending || now() >= deadline) break;
    await sleep(Math.max(10, Math.min(deps.intervalMs, deadline - now())));
  }
  for (const r of results.values()) {
    if (r.status === "failed") r.error = `${r.error} (gave up after ${(deps.timeoutMs / 1000).toFixed(1)}s)`;
  }
  return results;
}

function check(a: GarpAction, routers: ObservedRouter[], macOwners: Map<Mac, string>): VerifyResult {
  const readable = routers.filter((r) => r.reading !== null);
  if (readable.length === 0) {
    const why = routers.map((r) => `${r.name}: ${r.error ?? "unreadable"}`).join("; ");
    return { status: "failed", error: `no router could be read to verify ${a.vip}${why ? ` (${why})` : ""}` };
  }
  const problems: string[] = [];
  for (const r of readable) {
    const entry = r.reading!.entries.find((e) => e.vip === a.vip);
    const unreadable = r.reading!.unreadable?.find((u) => u.vip === a.vip);
    if (!entry && unreadable) {
      problems.push(`${r.name}'s entry for ${a.vip} could not be read (${unreadable.reason})`);
    } else if (!entry && isIpv4(a.vip)) {
      problems.push(
        `${r.name} has no ARP entry for ${a.vip}: a gratuitous ARP only updates an existing entry ` +
          `unless the router accepts unsolicited ARP (arp_accept)`,
      );
    } else if (!entry) {
      problems.push(
        `${r.name} has no neighbour entry for ${a.vip}: an unsolicited neighbour advertisement only updates an existing entry ` +
          `unless the router accepts untracked ones (Linux accept_untracked_na)`,
      );
    } else if (entry.mac !== a.toMac) {
      const owner = macOwners.get(entry.mac) ?? "unknown node";
      const stat = entry.static ? " (a static entry: a GARP cannot move it)" : "";
      problems.push(`${r.name} still maps ${a.vip} to ${entry.mac} (${owner})${stat}`);
    }
  }
  return problems.length === 0 ? { status: "verified" } : { status: "failed", error: problems.join("; ") };
}
