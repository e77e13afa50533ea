// Daemons the lab starts: spawned detached with their output in a log file, tracked by pid
// plus the kernel's start time so a recycled pid is never mistaken for ours.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { pollUntil, sleep } from "./wait.js";

export interface TrackedProcess {
  /** What it is, e.g. "sshd lab-node-1". */
  role: string;
  pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks since boot). */
  startTime: string;
}

/** Start time of a live (non-zombie) process; null when gone or a zombie. */
export function procStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // comm may contain spaces and parentheses: fields start after the last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (rest[0] === "Z" || rest[0] === "X") return null;
  return rest[19] ?? null;
}

export function isAlive(p: TrackedProcess): boolean {
  return procStartTime(p.pid) === p.startTime;
}

/** Tracks an existing pid (e.g. read from a daemon's pid file). */
export function track(role: string, pid: number): TrackedProcess | null {
  const startTime = procStartTime(pid);
  return startTime === null ? null : { role, pid, startTime };
}

/**
 * Spawns argv detached (its own session, so it outlives `lab up`), stdout and stderr
 * appended to logFile. Resolves once the pid is known; the caller checks readiness.
 */
export async function spawnDaemon(role: string, argv: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): Promise<TrackedProcess> {
  const [file, ...args] = argv;
  if (!file) throw new Error(`spawn ${role}: empty argv`);
  const fd = openSync(logFile, "a", 0o600);
  try {
    const child = spawn(file, args, { detached: true, stdio: ["ignore", fd, fd], env: env ?? process.env });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("error", (err) => reject(new Error(`cannot start ${role} (${file}): ${err.message}`)));
      child.once("spawn", () => resolve(child.pid!));
    });
    child.unref();
    const startTime = procStartTime(pid);
    if (startTime === null) throw new Error(`${role} exited at once; see ${logFile}`);
    return { role, pid, startTime };
  } finally {
    closeSync(fd);
  }
}

/** Sends `signal` to p if it is still the process we started; true when a signal was sent. */
export function signal(p: TrackedProcess, sig: NodeJS.Signals): boolean {
  if (!isAlive(p)) return false;
  try {
    process.kill(p.pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL and wait again. Throws if something survives. */
export async function stopAll(procs: readonly TrackedProcess[], graceMs = 5_000): Promise<void> {
  const live = procs.filter((p) => signal(p, "SIGTERM"));
  if (live.length === 0) return;
  try {
    await pollUntil("processes to exit", async () => (live.some(isAlive) ? undefined : true), { timeoutMs: graceMs, intervalMs: 50 });
  } catch {
    for (const p of live) signal(p, "SIGKILL");
    await sleep(50);
    await pollUntil(
      `processes to die after SIGKILL: ${live.filter(isAlive).map((p) => `${p.role} (${p.pid})`).join(", ")}`,
      async () => (live.some(isAlive) ? undefined : true),
      { timeoutMs: 3_000, intervalMs: 50 },
    );
  }
}

/** Reads a pid file; null when missing or not a number. */
export function readPidFile(path: string): number | null {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) && n > 1 ? n : null;
  } catch {
    return null;
  }
}
