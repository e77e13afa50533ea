// Scheduling and error handling of the executor, with in-memory command runners whose
// commands complete only when the test says so (the SSH path is covered end to end in
// remediate-route.test.ts).
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/types.js";
import { silentLogger } from "../../src/log.js";
import type { CommandRunner, ExecResult, GarpAction } from "../../src/model/types.js";
import { executeActions } from "../../src/remediate/executor.js";

function config(): Config {
  return {
    vips: ["192.0.2.101", "192.0.2.102", "192.0.2.103"],
    nodes: ["n1", "n2", "n3"].map((name, i) => ({ name, host: "127.0.0.1", port: 22 + i, interface: "eth0", ssh: true })),
    routers: [],
    ssh: null,
    remediation: {
      token: null,
      tokenSource: null,
      garpMode: "reply",
      garpCount: 2,
      cooldownMs: 0,
      verifyTimeoutMs: 0,
      verifyIntervalMs: 0,
      auditLogFile: null,
      preferred: {},
      maxBodyBytes: 1024,
      mode: "manual",
      auto: { intervalMs: 30_000, after: 3, maxRunsPerHour: 6 },
      refreshIntervalMs: 0,
      maxGarpRate: 5,
    },
    scrapeTimeoutMs: 1000,
    source: "<test>",
  };
}

const act = (vip: string, toNode: string): GarpAction => ({ vip, fromNode: null, fromMac: null, toNode, toMac: "02:00:00:00:00:01", reason: "move" });

/** A runner whose exec calls wait until released; records what started. */
class HeldRunner implements CommandRunner {
  started: string[] = [];
  private pending: ((r: ExecResult) => void)[] = [];
  private waiters: (() => void)[] = [];
  exec(command: string): Promise<ExecResult> {
    this.started.push(command);
    this.waiters.splice(0).forEach((w) => w());
    return new Promise((r) => this.pending.push(r));
  }
  release(r: ExecResult = { code: 0, stdout: "", stderr: "" }): void {
    this.pending.shift()?.(r);
  }
  /** Resolves once at least n commands have started. */
  async startedAtLeast(n: number): Promise<void> {
    for (let i = 0; i < 100 && this.started.length < n; i++) await new Promise<void>((r) => this.waiters.push(r));
  }
  async close(): Promise<void> {}
}

describe("executeActions", () => {
  it("runs different nodes in parallel; a runner that cannot confirm a start gets one command at a time", async () => {
    const runners = { n1: new HeldRunner(), n2: new HeldRunner() };
    const done = executeActions([act("192.0.2.101", "n1"), act("192.0.2.102", "n1"), act("192.0.2.103", "n2")], {
      config: config(),
      runner: (n) => runners[n as "n1" | "n2"] ?? null,
      log: silentLogger(),
    });
    await runners.n1.startedAtLeast(1);
    await runners.n2.startedAtLeast(1);
    // Both nodes are busy at once, but n1's second action has not started.
    expect(runners.n1.started).toEqual(["arping -c 2 -A -I eth0 192.0.2.101"]);
    expect(runners.n2.started).toEqual(["arping -c 2 -A -I eth0 192.0.2.103"]);
    runners.n1.release();
    await runners.n1.startedAtLeast(2);
    expect(runners.n1.started[1]).toBe("arping -c 2 -A -I eth0 192.0.2.102");
    runners.n1.release();
    runners.n2.release({ code: 2, stdout: "", stderr: "arping: Device eth0 not available.\n" });
    const results = await done;
    expect(results.map((r) => [r.action.vip, r.status])).toEqual([
      ["192.0.2.101", "sent"],
      ["192.0.2.102", "sent"],
      ["192.0.2.103", "failed"],
    ]);
    expect(results[2]!.error).toBe("arping -c 2 -A -I eth0 192.0.2.103 on n2 exited 2: arping: Device eth0 not available.");
  });

  it("reports a missing arping, a node without SSH, an unknown node and a failing connection", async () => {
    const runner = (code: number | null, stderr: string, fail = false): CommandRunner => ({
      exec: async () => {
        if (fail) throw new Error("connection refused");
        return { code, stdout: "", stderr };
      },
      close: async () => {},
    });
    const runners: Record<string, CommandRunner | null> = {
      n1: runner(127, "bash: arping: command not found\n"),
      n2: null,
      n3: runner(null, "", true),
    };
    const results = await executeActions(
      [act("192.0.2.101", "n1"), act("192.0.2.102", "n2"), act("192.0.2.103", "n3"), act("192.0.2.101", "n9")],
      { config: config(), runner: (n) => runners[n] ?? null, log: silentLogger() },
    );
    expect(results.map((r) => r.error)).toEqual([
      "arping not found on node n1: install iputils-arping",
      expect.stringMatching(/n2 is not reached over SSH/),
      expect.stringMatching(/on n3 failed: connection refused/),
      "node n9 is not in the config",
    ]);
    expect(results.every((r) => r.status === "failed")).toBe(true);
  });

  it("in mode both, stops at the first failing form", async () => {
    const seen: string[] = [];
    const c = config();
    c.remediation.garpMode = "both";
    const results = await executeActions([act("192.0.2.101", "n1")], {
      config: c,
      runner: () => ({
        exec: async (cmd) => (seen.push(cmd), { code: 1, stdout: "", stderr: "" }),
        close: async () => {},
      }),
      log: silentLogger(),
    });
    expect(seen).toEqual(["arping -c 2 -A -I eth0 192.0.2.101"]);
    expect(results[0]!.error).toBe("arping -c 2 -A -I eth0 192.0.2.101 on n1 exited 1");
  });
});

/** A runner that confirms each start at once and finishes when released, like sshd would. */
class ConfirmingRunner implements CommandRunner {
  started: { command: string; at: number }[] = [];
  private pending: ((r: ExecResult) => void)[] = [];
  exec(command: string, opts?: { onStarted?: () => void }): Promise<ExecResult> {
    this.started.push({ command, at: Date.now() });
    opts?.onStarted?.();
    return new Promise((r) => this.pending.push(r));
  }
  releaseAll(): void {
    for (const r of this.pending.splice(0)) r({ code: 0, stdout: "", stderr: "" });
  }
  async close(): Promise<void> {}
}

describe("executeActions with pacing", () => {
  it("runs a node's confirmed commands side by side within max_garp_rate, and queues the rest", async () => {
    const runner = new ConfirmingRunner();
    const c = config();
    c.remediation.garpCount = 1;
    c.remediation.maxGarpRate = 2;
    const starts: string[] = [];
    const done = executeActions([act("192.0.2.101", "n1"), act("192.0.2.102", "n1"), act("192.0.2.103", "n1")], {
      config: c,
      runner: () => runner,
      log: silentLogger(),
      onStart: (a) => starts.push(a.vip),
    });
    await new Promise((r) => setTimeout(r, 300));
    // Two packets may share a window: the first action starts, the second waits its turn.
    expect(runner.started.map((s) => s.command)).toEqual(["arping -c 1 -A -I eth0 192.0.2.101", "arping -c 1 -A -I eth0 192.0.2.102"]);
    expect(starts).toEqual(["192.0.2.101", "192.0.2.102"]);
    const interval = setInterval(() => runner.releaseAll(), 50);
    try {
      const results = await done;
      expect(results.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    } finally {
      clearInterval(interval);
    }
    expect(runner.started).toHaveLength(3);
    // Queued, not dropped, and the third left a window's length after the first.
    expect(runner.started[2]!.at - runner.started[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("skips an action when the check right before sending says so, and sends nothing for it", async () => {
    const runner = new ConfirmingRunner();
    const results = executeActions([act("192.0.2.101", "n1"), act("192.0.2.102", "n1")], {
      config: config(),
      runner: () => runner,
      log: silentLogger(),
      beforeSend: async (a) => (a.vip === "192.0.2.101" ? "already where the plan wants it" : null),
    });
    await new Promise((r) => setTimeout(r, 50));
    runner.releaseAll();
    const r = await results;
    expect(r.map((x) => [x.status, x.error])).toEqual([["skipped", "already where the plan wants it"], ["sent", undefined]]);
    expect(runner.started.map((s) => s.command)).toEqual(["arping -c 2 -A -I eth0 192.0.2.102"]);
  });
});
