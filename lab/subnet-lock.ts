// Claiming the lab subnet on the host: "is it routed already?" and "add our route" must be
// one step, or two labs started at once would both take it. A lock file makes it one.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { procStartTime } from "./procs.js";
import { RUN_DIR } from "./state.js";
import { pollUntil } from "./wait.js";

function lockPath(subnet: string): string {
  return join(RUN_DIR, `subnet-${subnet.replace(/[./]/g, "_")}.lock`);
}

function tryLock(path: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // A lock whose holder is gone is stale.
    const holder = Number(readFileSync(path, "utf8").trim());
    if (!Number.isInteger(holder) || procStartTime(holder) === null) rmSync(path, { force: true });
    return false;
  }
}

/** Runs fn while holding the host-wide lock for subnet (waits at most 15 s for it). */
export async function withSubnetLock<T>(subnet: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(RUN_DIR, { recursive: true, mode: 0o700 });
  const path = lockPath(subnet);
  await pollUntil(`the lab lock ${path}`, async () => (tryLock(path) ? true : undefined), { timeoutMs: 15_000, intervalMs: 50 });
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
