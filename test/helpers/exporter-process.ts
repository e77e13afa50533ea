// `vip-arp-exporter` as a separate process (dist/src/cli.js, as users run it), listening on a
// port the OS picks: for tests of signals, reload and shutdown. Its port comes from its own
// "listening" log line. A process-exit hook kills any still running if the test run dies.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

export interface ExporterProcess {
  child: ChildProcess;
  /** The first listener's port. */
  port: number;
  url: string;
  stderr(): string;
  /** Log lines (JSON) parsed from stderr. */
  logs(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the exporter with `args` plus `--web.listen-address 127.0.0.1:0` unless args name one. */
export async function startExporterProcess(args: string[], opts: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {}): Promise<ExporterProcess> {
  const withListen = args.includes("--web.listen-address") ? args : [...args, "--web.listen-address", "127.0.0.1:0"];
  // JSON lines: logs() parses them.
  const full = withListen.includes("--log.format") ? withListen : [...withListen, "--log.format", "json"];
  const child = spawn(process.execPath, [CLI, ...full], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
  running.add(child);
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  child.stdout!.on("data", () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const logs = (): Record<string, unknown>[] =>
    err.split("\n").flatMap((l) => {
      if (!l.startsWith("{")) return [];
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
  let port = 0;
  // Bounded: until the listening line, the exit, or the deadline.
  while (port === 0) {
    const line = logs().find((l) => l.msg === "listening");
    const first = (line?.addresses as string[] | undefined)?.[0];
    const m = first ? /\(port (\d+)\)$/.exec(first) : null;
    if (m) port = Number(m[1]);
    else if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the exporter did not start listening (exit ${child.exitCode}):\n${err.slice(-3000)}`);
    } else await new Promise((r) => setTimeout(r, 20));
  }
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const ok = await fetch(`${url}/-/ready`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the exporter did not become ready:\n${err.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    child,
    port,
    url,
    stderr: () => err,
    logs,
    exited,
    async stop(signal = "SIGTERM", graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}

/** Polls `fn` every 25 ms until it returns a value other than undefined (bounded by timeoutMs). */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
