// Running programs for the lab: always argv arrays (never a shell), always with a timeout.
import { execFile } from "node:child_process";

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`command failed (${String(code)}): ${argv.join(" ")}${stderr ? `: ${stderr.trim()}` : ""}`);
    this.name = "CommandError";
  }
}

/** Runs argv and resolves with its stdout; rejects with a CommandError on a non-zero exit. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<string> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error("run: empty argv"));
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: opts.timeoutMs ?? 15_000, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024, env: opts.env ?? process.env },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException & { code?: number | string }).code ?? null;
          const why = err.killed ? `timed out after ${opts.timeoutMs ?? 15_000} ms` : code;
          reject(new CommandError(argv, why, String(stderr || err.message)));
        } else {
          resolve(String(stdout));
        }
      },
    );
  });
}

/** Like run, but a failure whose stderr matches `ignore` (e.g. "does not exist") resolves to null. */
export async function runIgnoring(argv: readonly string[], ignore: RegExp, opts: RunOptions = {}): Promise<string | null> {
  try {
    return await run(argv, opts);
  } catch (err) {
    if (err instanceof CommandError && ignore.test(err.stderr)) return null;
    throw err;
  }
}

/** argv that runs inside a network namespace (optionally also inside a persistent UTS namespace). */
export function inNs(ns: string, argv: readonly string[], utsFile?: string): string[] {
  const base = ["ip", "netns", "exec", ns, ...argv];
  return utsFile ? ["nsenter", `--uts=${utsFile}`, ...base] : base;
}
