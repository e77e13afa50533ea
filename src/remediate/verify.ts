// After GARPs went out: re-read the routers until every announced VIP shows its target MAC
// on every readable router, or the deadline passes. The reason of a failure says what the
// router shows, so the operator knows whether to look at the router or the node.
//
// Verification does not wait for arping to finish: a VIP is checked from the moment its first
// GARP left (arping sends it at once), and its deadline counts from then, so a paced action
// that starts later gets its full verify_timeout too.
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
  /**
   * Where each action's sending stands (default: every action went out before verification
   * began): queued (not checked yet), started at some time, or dropped (it failed or was
   * skipped while sending: no longer waited for).
   */
  sendState?: (a: GarpAction) => SendState;
}

export type SendState = { state: "queued" } | { state: "started"; atMs: number } | { state: "dropped" };

/** One result per action, keyed by VIP. Never throws. */
export async function verifyActions(actions: GarpAction[], deps: VerifyDeps): Promise<Map<string, VerifyResult>> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const begun = now();
  const stateOf = deps.sendState ?? (() => ({ state: "started", atMs: begun }) as const);
  const results = new Map<string, VerifyResult>();
  const final = new Set<GarpAction>();
  if (actions.length === 0) return results;
  const only = deps.routers ? new Set(deps.routers) : null;

  // Bounded: each pass waits intervalMs (at least 10 ms); an action is final once verified,
  // dropped, or past its own deadline, and the executor starts or drops every action.
  for (;;) {
    const open = actions.filter((a) => !final.has(a));
    const live = open.filter((a) => stateOf(a).state === "started");
    let routers: ObservedRouter[] | null = null;
    let readError = "";
    if (live.length > 0) {
      try {
        routers = await deps.readRouters();
      } catch (err) {
        readError = `routers could not be re-read: ${(err as Error).message}`;
      }
    }
    const checked = routers && only ? routers.filter((r) => only.has(r.name)) : routers;
    for (const a of open) {
      const st = stateOf(a);
      if (st.state === "dropped") {
        final.add(a);
        results.set(a.vip, { status: "failed", error: "not sent" });
        continue;
      }
      if (st.state === "queued" || !live.includes(a)) continue;
      const r: VerifyResult = checked ? check(a, checked, deps.macOwners) : { status: "failed", error: readError };
      results.set(a.vip, r);
      if (r.status === "verified" || now() >= st.atMs + deps.timeoutMs) {
        final.add(a);
        if (r.status === "failed") r.error = `${r.error} (gave up after ${(deps.timeoutMs / 1000).toFixed(1)}s)`;
      }
    }
    if (final.size === actions.length) break;
    const deadlines = actions.filter((a) => !final.has(a)).map((a) => {
      const st = stateOf(a);
      return st.state === "started" ? st.atMs + deps.timeoutMs : Infinity;
    });
    await sleep(Math.max(10, Math.min(deps.intervalMs, Math.min(...deadlines) - now())));
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
