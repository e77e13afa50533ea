// Processes inside a lab namespace, read from /proc (no `ip netns pids` per probe), and
// sweeping them out. A pid snapshot of a daemon's children races with its forks (sshd forks
// per connection and again after the key exchange): what a snapshot missed is found here.
import { readdirSync, statSync } from "node:fs";
import { signal, track, type TrackedProcess } from "./procs.js";
import { pollUntil } from "./wait.js";

const NS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Live processes whose network namespace is the named one (same test as `ip netns pids`:
 * device and inode of /proc/PID/ns/net). Zombies have no namespace any more and are not listed.
 */
export function processesInNetns(ns: string): TrackedProcess[] {
  if (!NS_NAME.test(ns)) throw new Error(`not a namespace name: ${JSON.stringify(ns)}`);
  let want;
  try {
    want = statSync(`/run/netns/${ns}`);
  } catch {
    return []; // no such namespace: nothing is in it
  }
  const out: TrackedProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const s = statSync(`/proc/${entry}/ns/net`);
      if (s.ino !== want.ino || s.dev !== want.dev) continue;
    } catch {
      continue; // exited, or a zombie
    }
    const t = track(`left in ${ns}`, Number(entry));
    if (t) out.push(t);
  }
  return out;
}

const same = (a: TrackedProcess, b: TrackedProcess): boolean => a.pid === b.pid && a.startTime === b.startTime;

/**
 * Stops every process in ns except `keep` (SIGTERM, SIGKILL for what is still there after
 * graceMs), looking again each round for processes forked meanwhile, until none is left.
 * Throws after timeoutMs naming the survivors.
 */
export async function sweepNetns(
  ns: string,
  opts: { keep?: readonly TrackedProcess[]; graceMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const keep = opts.keep ?? [];
  const graceMs = opts.graceMs ?? 2_000;
  const termed = new Map<string, number>(); // pid:startTime -> when SIGTERM went out
  await pollUntil(
    `no process left in namespace ${ns}`,
    async () => {
      const left = processesInNetns(ns).filter((p) => !keep.some((k) => same(k, p)));
      if (left.length === 0) return true;
      const now = Date.now();
      for (const p of left) {
        const key = `${p.pid}:${p.startTime}`;
        const since = termed.get(key);
        if (since === undefined) {
          termed.set(key, now);
          signal(p, "SIGTERM");
        } else if (now - since >= graceMs) {
          signal(p, "SIGKILL");
        }
      }
      throw new Error(`still there: ${left.map((p) => p.pid).join(", ")}`);
    },
    { timeoutMs: opts.timeoutMs ?? 15_000, intervalMs: 50 },
  );
}
