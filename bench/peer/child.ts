// Helper processes of the peer bench (tcpdump, ip monitor, snmp_exporter, the exporter, the
// simulated segment): started with an argv (never a shell), ready when a line matches, and
// stopped by their own pid only. Every one started is registered, so a failing run stops them.
import { spawn, type ChildProcess } from "node:child_process";

export interface Watched {
  pid: number;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Called for each complete stdout line as it arrives. */
  onLine(fn: (line: string, atMs: number) => void): void;
  /** Sends sig (then SIGKILL after 5 s) and resolves once the process has exited. */
  stop(sig?: NodeJS.Signals): Promise<{ code: number | null; stderr: string }>;
  exited: Promise<number | null>;
}

export interface WatchOptions {
  /** Resolve only once stdout or stderr matches. */
  readyOn?: RegExp;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const live = new Set<Watched>();

/** Stops every helper still running (finally blocks and signal handlers call it). */
export async function stopAllWatched(): Promise<void> {
  await Promise.allSettled([...live].map((w) => w.stop("SIGKILL")));
}

export async function startWatched(role: string, argv: readonly string[], opts: WatchOptions = {}): Promise<Watched> {
  const [file, ...args] = argv;
  if (!file) throw new Error(`${role}: empty argv`);
  const child: ChildProcess = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env });
  let out = "";
  let err = "";
  let partial = "";
  const listeners: ((line: string, atMs: number) => void)[] = [];
  let readyCheck: (() => void) | null = null;
  child.stdout!.on("data", (c: Buffer) => {
    const at = Date.now();
    const s = c.toString("utf8");
    out += s;
    partial += s;
    const lines = partial.split("\n");
    partial = lines.pop()!;
    for (const l of lines) for (const fn of listeners) fn(l, at);
    readyCheck?.();
  });
  child.stderr!.on("data", (c: Buffer) => {
    err += c.toString("utf8");
    readyCheck?.();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const pid = await new Promise<number>((resolve, reject) => {
    child.once("error", (e) => reject(new Error(`cannot start ${role} (${file}): ${e.message}`)));
    child.once("spawn", () => resolve(child.pid!));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const w: Watched = {
    pid,
    stdout: () => out,
    stderr: () => err,
    onLine: (fn) => listeners.push(fn),
    exited,
    async stop(sig: NodeJS.Signals = "SIGTERM") {
      if (!done) {
        try {
          process.kill(pid, sig);
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            if (!done) process.kill(pid, "SIGKILL");
          } catch {
            // gone meanwhile
          }
        }, 5_000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(w);
      return { code: await exited, stderr: err };
    },
  };
  live.add(w);
  if (opts.readyOn) {
    const re = opts.readyOn;
    const timeoutMs = opts.readyTimeoutMs ?? 30_000;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${role} did not print ${re} within ${timeoutMs} ms; stderr: ${err.trim().slice(-400)}`)), timeoutMs);
        readyCheck = () => {
          if (re.test(out) || re.test(err)) {
            clearTimeout(timer);
            readyCheck = null;
            resolve();
          }
        };
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${role} exited (${code}) before it was ready; stderr: ${err.trim().slice(-400)}`));
        });
        readyCheck();
      });
    } catch (e) {
      await w.stop("SIGKILL");
      throw e;
    }
  }
  return w;
}
