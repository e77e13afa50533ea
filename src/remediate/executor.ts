// Runs plan actions: arping (IPv4 VIPs) or ndptool (IPv6 VIPs) over each target node's SSH
// connection. Nodes work in parallel.
// On one node the commands (every action, both forms) are issued one after another, each when
// the node's pacer (pacing.ts, remediation.max_garp_rate) has room for its packets; several
// arpings may then run at once, so a burst of -c 3 commands does not take 3 s each in a row.
// Nothing is dropped: a command waits for its slot.
import type { Logger } from "../log.js";
import type { Config } from "../config/types.js";
import type { CommandRunner, ExecResult, GarpAction } from "../model/types.js";
import { isIpv4 } from "../model/net.js";
import { ARPING, garpCommands } from "./arping-command.js";
import { NDPTOOL, naCommands } from "./ndp-command.js";
import { Pacers, type NodePacer } from "./pacing.js";

export interface SendResult {
  action: GarpAction;
  /** skipped: the check right before sending said not to (beforeSend). */
  status: "sent" | "failed" | "skipped";
  error?: string;
  durationSeconds: number;
}

export interface ExecutorDeps {
  config: Config;
  /** The node's command runner, null when it is not reached over SSH. */
  runner(node: string): CommandRunner | null;
  log: Logger;
  /** Called as each action finishes, so a run interrupted half-way knows what went out. */
  onResult?: (r: SendResult) => void;
  /** Called once an action's first arping has started (its first GARP leaves at once). */
  onStart?: (a: GarpAction, atMs: number) => void;
  /** Asked right before an action's first command: a reason to skip it, or null to send. */
  beforeSend?: (a: GarpAction) => Promise<string | null>;
  /** The nodes' pacers (default: fresh ones at remediation.max_garp_rate). */
  pacers?: Pacers;
  now?: () => number;
}

/**
 * Commands one node runs at once at most: OpenSSH allows 10 sessions per connection
 * (MaxSessions), and the collector's reads need some too.
 */
export const MAX_PARALLEL_PER_NODE = 4;

/** Sends every action; never throws, failures are per action. Results are in action order. */
export async function executeActions(actions: GarpAction[], deps: ExecutorDeps): Promise<SendResult[]> {
  const byNode = new Map<string, number[]>();
  actions.forEach((a, i) => byNode.set(a.toNode, [...(byNode.get(a.toNode) ?? []), i]));
  const results: SendResult[] = new Array(actions.length);
  const pacers = deps.pacers ?? new Pacers(deps.config.remediation.maxGarpRate);
  await Promise.all(
    [...byNode.entries()].map(async ([node, indexes]) => {
      const queue = new NodeQueue(pacers.node(node), deps.now ?? Date.now);
      const pending = indexes.map(async (i) => {
        // Issued in order: each action's commands get their slots before the next action's.
        results[i] = await sendOne(actions[i]!, deps, queue);
        deps.onResult?.(results[i]!);
      });
      await Promise.all(pending);
    }),
  );
  return results;
}

/** Issues one node's commands one at a time, in the order asked, as the pacer allows. */
class NodeQueue {
  private turn: Promise<void> = Promise.resolve();
  private running = 0;
  private freed: (() => void)[] = [];

  constructor(
    private readonly pacer: NodePacer,
    private readonly now: () => number,
  ) {}

  /**
   * Waits for this command's turn and slot, runs `prepare` (null: go ahead), then starts the
   * command. Resolves with the command's result promise once its start is known (confirmed by
   * the host, or the command ended), so the next command is paced on what really happened.
   */
  async issue(
    count: number,
    prepare: () => Promise<string | null> | null,
    start: (onStarted: () => void) => Promise<ExecResult>,
  ): Promise<{ skipped: string } | { result: Promise<ExecResult>; startedAt: number }> {
    const previous = this.turn;
    let release!: () => void;
    this.turn = new Promise<void>((r) => (release = r));
    await previous;
    try {
      const skip = await prepare();
      if (skip !== null) return { skipped: skip };
      while (this.running >= MAX_PARALLEL_PER_NODE) await new Promise<void>((r) => this.freed.push(r));
      for (;;) {
        const t = this.pacer.earliest(count, this.now());
        const wait = t - this.now();
        if (wait > 0) await new Promise<void>((r) => setTimeout(r, wait));
        if (this.pacer.fitsNow(count, this.now())) break;
      }
      const reservation = this.pacer.issue(count, this.now());
      this.running++;
      let startedAt = this.now();
      let signalled!: () => void;
      const known = new Promise<void>((r) => (signalled = r));
      const result = start(() => {
        startedAt = this.now();
        this.pacer.confirmed(reservation, startedAt);
        signalled();
      });
      const settled = result.then(
        () => this.pacer.ended(reservation, this.now()),
        // The channel could not be opened or the connection failed: the command may not have
        // run; keep its reservation (it may have sent) unless it failed before confirming.
        () => this.pacer.ended(reservation, this.now()),
      );
      void settled.finally(() => {
        this.running--;
        this.freed.shift()?.();
        signalled();
      });
      await known;
      return { result, startedAt };
    } finally {
      release();
    }
  }
}

async function sendOne(action: GarpAction, deps: ExecutorDeps, queue: NodeQueue): Promise<SendResult> {
  const started = performance.now();
  const done = (status: SendResult["status"], error?: string): SendResult => {
    const r: SendResult = { action, status, durationSeconds: (performance.now() - started) / 1000 };
    if (error !== undefined) r.error = error;
    return r;
  };
  const { config, log } = deps;
  const node = config.nodes.find((n) => n.name === action.toNode);
  if (!node) return done("failed", `node ${action.toNode} is not in the config`);

  // Every command is built (and so validated) before any of them runs. IPv4 VIPs are announced
  // with gratuitous ARP (arping -c N: N packets a command), IPv6 VIPs with unsolicited neighbour
  // advertisements (ndptool: one packet a command).
  const { garpMode, garpCount } = config.remediation;
  const ipv4 = isIpv4(action.vip);
  const tool = ipv4 ? ARPING : NDPTOOL;
  const packets = ipv4 ? garpCount : 1;
  let commands: string[];
  try {
    commands = ipv4 ? garpCommands(action.vip, node.interface, garpMode, garpCount) : naCommands(action.vip, node.interface, garpCount);
  } catch (err) {
    return done("failed", (err as Error).message);
  }

  const runner = deps.runner(node.name);
  if (!runner) {
    return done("failed", `node ${node.name} is not reached over SSH: configure ssh for it so remediation can run ${tool.tool} there`);
  }
  // arping -c N sends one packet per second: allow for that on top of the SSH timeout.
  const timeoutMs = packets * 1000 + (config.ssh?.timeoutMs ?? 5000);
  const running: { command: string; result: Promise<ExecResult> }[] = [];
  let firstError: string | null = null;
  const fail = (error: string | null) => {
    if (error !== null) firstError ??= error;
  };
  for (const [i, command] of commands.entries()) {
    const issued = await queue.issue(
      packets,
      // A form that already failed (arping missing, VIP not bound) would fail the other the same way.
      () => (firstError !== null ? Promise.resolve(firstError) : i === 0 && deps.beforeSend ? deps.beforeSend(action) : null),
      (onStarted) => runner.exec(command, { timeoutMs, onStarted }),
    );
    if ("skipped" in issued) {
      if (i === 0 && firstError === null) return done("skipped", issued.skipped);
      break;
    }
    if (i === 0) deps.onStart?.(action, issued.startedAt);
    running.push({ command, result: issued.result });
    issued.result.then(
      (r) => fail(commandError(r, command, node.name, tool)),
      (err: Error) => fail(`${command} on ${node.name} failed: ${err.message}`),
    );
  }
  for (const { command, result } of running) {
    const res = await result.catch(() => null);
    if (res && commandError(res, command, node.name, tool) === null) {
      log.debug({ node: node.name, vip: action.vip, command }, ipv4 ? "gratuitous ARP sent" : "unsolicited neighbour advertisement sent");
    }
  }
  return firstError === null ? done("sent") : done("failed", firstError);
}

/** Why a finished arping or ndptool failed, or null when it succeeded. */
function commandError(res: ExecResult, command: string, node: string, tool: typeof ARPING | typeof NDPTOOL): string | null {
  const output = `${res.stderr}\n${res.stdout}`;
  if (res.code === 127 || tool.missing.test(output)) return `${tool.tool} not found on node ${node}: ${tool.install}`;
  if (res.code !== 0) {
    const why = firstLine(res.stderr) || firstLine(res.stdout) || (res.code === null ? "killed by a signal" : "");
    return `${command} on ${node} exited ${res.code ?? "by signal"}${why ? `: ${why}` : ""}`;
  }
  return null;
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0]?.trim().slice(0, 300) ?? "";
}
