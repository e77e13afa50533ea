// Finding and running the real Prometheus tools (promtool, amtool) from tests. Commands run
// with execFile and an argument list: no shell is involved.
import { execFile } from "node:child_process";

export const IN_CI = process.env.CI === "true";

/** Absolute path of an executable (PATH, then the sbin/bin folders), or null. */
export { findTool as findExecutable } from "../../lab/tools.js";

/** Why a tool's tests do not run, for the suite name; null when the tool is there. */
export function missingToolReason(tool: string, path: string | null, debianPackage: string): string | null {
  return path ? null : `${tool} not found on PATH (install Debian's ${debianPackage} package)`;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 20_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** run() with variables added to this process's environment. */
export function runWithEnv(file: string, args: string[], env: Record<string, string>, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(file, args, { ...opts, env: { ...process.env, ...env } });
}
