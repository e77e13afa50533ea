// Real daemons (Prometheus, Alertmanager) for end-to-end tests: started with an argument list
// (no shell), on a free 127.0.0.1 port, stopped by their pid with SIGTERM, then SIGKILL when
// they do not exit in time. A process-exit hook kills any still running if a test run dies.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Daemon {
  name: string;
  pid: number;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<Exit>;
  /** null while running. */
  exit(): Exit | null;
  /** The last lines of its stdout and stderr, for failure messages. */
  output(): string;
}

const OUTPUT_KEEP = 32 * 1024;
const running = new Map<number, ChildProcess>();
let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  // Synchronous last resort: afterAll normally stops everything first.
  process.on("exit", () => {
    for (const pid of running.keys()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago (callers retry on EADDRINUSE). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("could not read the bound port"))));
    });
  });
}

export function startDaemon(name: string, file: string, args: string[], opts: { cwd?: string } = {}): Daemon {
  installExitHook();
  const child = spawn(file, args, { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-OUTPUT_KEEP);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exit: Exit | null = null;
  const exited = new Promise<Exit>((resolve) => {
    child.once("error", (err) => {
      keep(Buffer.from(`\n[spawn error: ${err.message}]\n`));
      exit ??= { code: null, signal: null };
      resolve(exit);
    });
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  if (child.pid === undefined) {
    // The program could not be started: the "error" event (ENOENT...) follows; no pid to track.
    return { name, pid: -1, exited, exit: () => exit, output: () => out };
  }
  const pid = child.pid;
  running.set(pid, child);
  void exited.then(() => running.delete(pid));
  return { name, pid, exited, exit: () => exit, output: () => out };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops the daemon by its pid: SIGTERM, wait up to graceMs, then SIGKILL and wait again. */
export async function stopDaemon(d: Daemon, graceMs = 5000): Promise<Exit> {
  if (d.pid <= 0 || d.exit()) return d.exited;
  const waitFor = (ms: number) => Promise.race([d.exited, sleep(ms).then(() => null)]);
  try {
    process.kill(d.pid, "SIGTERM");
  } catch {
    return d.exited;
  }
  const exit = await waitFor(graceMs);
  if (exit) return exit;
  try {
    process.kill(d.pid, "SIGKILL");
  } catch {
    // exited in between
  }
  const killed = await waitFor(5000);
  if (!killed) throw new Error(`${d.name} (pid ${d.pid}) did not exit even after SIGKILL`);
  return killed;
}

/** Polls GET url until it answers 200; fails early when the daemon exits. */
export async function waitHttpReady(d: Daemon, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    const exit = d.exit();
    if (exit) throw new DaemonExited(d, exit);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${d.name} (pid ${d.pid}) was not ready at ${url} within ${timeoutMs} ms (last: ${last}); its output:\n${d.output()}`);
}

export class DaemonExited extends Error {
  constructor(
    readonly daemon: Daemon,
    readonly exitInfo: Exit,
  ) {
    super(`${daemon.name} exited before it was ready (code ${exitInfo.code}, signal ${exitInfo.signal}); its output:\n${daemon.output()}`);
  }
}

/**
 * Starts a daemon on a free port and waits until readyPath answers 200. Another process may take
 * the port between freePort() and the bind: then it retries on a new port (bounded).
 */
export async function startOnFreePort(
  name: string,
  file: string,
  argsFor: (port: number) => string[],
  readyPath: string,
  opts: { timeoutMs?: number; attempts?: number; cwd?: string } = {},
): Promise<{ daemon: Daemon; port: number }> {
  const attempts = opts.attempts ?? 3;
  for (let i = 1; ; i++) {
    const port = await freePort();
    const daemon = startDaemon(name, file, argsFor(port), { cwd: opts.cwd });
    try {
      await waitHttpReady(daemon, `http://127.0.0.1:${port}${readyPath}`, opts.timeoutMs ?? 20_000);
      return { daemon, port };
    } catch (err) {
      await stopDaemon(daemon);
      const portTaken = err instanceof DaemonExited && /address already in use/i.test(daemon.output());
      if (!portTaken || i >= attempts) throw err;
    }
  }
}
