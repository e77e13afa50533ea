// Daemon handling of the end-to-end tests with real child processes (node itself): stop by pid
// with SIGTERM, SIGKILL for one that ignores it, and a clear error for one that dies early.
import { afterAll, describe, expect, it } from "vitest";
import { DaemonExited, startDaemon, startOnFreePort, stopDaemon, type Daemon } from "./procs.js";

const started: Daemon[] = [];
afterAll(async () => {
  await Promise.all(started.map((d) => stopDaemon(d, 500)));
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// An HTTP server on the port given as argv[1] that answers 200 on /-/ready.
const SERVER = `require("http").createServer((q, s) => s.end("ok")).listen(Number(process.argv[1]), "127.0.0.1")`;

describe("procs", () => {
  it("starts a daemon on a free port, waits until it is ready, and stops it with SIGTERM", async () => {
    const { daemon, port } = await startOnFreePort("http", process.execPath, (p) => ["-e", SERVER, String(p)], "/-/ready");
    started.push(daemon);
    const res = await fetch(`http://127.0.0.1:${port}/-/ready`);
    expect(res.status).toBe(200);
    const exit = await stopDaemon(daemon);
    expect(exit.signal).toBe("SIGTERM");
    expect(alive(daemon.pid)).toBe(false);
  });

  it("kills with SIGKILL a daemon that ignores SIGTERM", async () => {
    const d = startDaemon("stubborn", process.execPath, ["-e", 'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)']);
    started.push(d);
    // Wait until the handler is installed (it prints after installing it).
    for (let i = 0; i < 100 && !d.output().includes("up"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(d.output()).toContain("up");
    const exit = await stopDaemon(d, 300);
    expect(exit.signal).toBe("SIGKILL");
    expect(alive(d.pid)).toBe(false);
  });

  it("reports a daemon that exits before it is ready, with its output", async () => {
    const attempt = startOnFreePort("dies", process.execPath, () => ["-e", 'console.error("bad flag --foo"); process.exit(3)'], "/-/ready", {
      attempts: 1,
    });
    await expect(attempt).rejects.toBeInstanceOf(DaemonExited);
    await expect(attempt).rejects.toThrow(/dies exited before it was ready \(code 3[\s\S]*bad flag --foo/);
  });

  it("reports a program that does not exist", async () => {
    await expect(startOnFreePort("missing", "/nonexistent/prometheus", () => [], "/-/ready", { attempts: 1 })).rejects.toThrow(
      /missing exited before it was ready[\s\S]*ENOENT/,
    );
  });
});
