// Runs plan actions: arping (IPv4 VIPs) or ndptool (IPv6 VIPs) over each target node's SSH
// connection. Actions on different nodes run in parallel; actions on one node run one after
// another (one SSH channel, and bursts from one NIC should not interleave).
import type { Logger } from "../log.js";
import type { Config } from "../config/types.js";
import type { CommandRunner, GarpAction } from "../model/types.js";
import { isIpv4 } from "../model/net.js";
import { ARPING, garpCommands } from "./arping-command.js";
import { NDPTOOL, naCommands } from "./ndp-command.js";

export interface SendResult {
  action: GarpAction;
  status: "sent" | "failed";
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
}

/** Sends every action; never throws, failures are per action. Results are in action order. */
export async function executeActions(actions: GarpAction[], deps: ExecutorDeps): Promise<SendResult[]> {
  const byNode = new Map<string, number[]>();
  actions.forEach((a, i) => byNode.set(a.toNode, [...(byNode.get(a.toNode) ?? []), i]));
  const results: SendResult[] = new Array(actions.length);
  await Promise.all(
    [...byNode.values()].map(async (indexes) => {
      for (const i of indexes) {
        results[i] = await sendOne(actions[i]!, deps);
        deps.onResult?.(results[i]!);
      }
    }),
  );
  return results;
}

async function sendOne(action: GarpAction, deps: ExecutorDeps): Promise<SendResult> {
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
  // with gratuitous ARP, IPv6 VIPs with unsolicited neighbour advertisements (one per command).
  const { garpMode, garpCount } = config.remediation;
  const ipv4 = isIpv4(action.vip);
  const tool = ipv4 ? ARPING : NDPTOOL;
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
  const timeoutMs = garpCount * 1000 + (config.ssh?.timeoutMs ?? 5000);
  for (const command of commands) {
    let res;
    try {
      res = await runner.exec(command, { timeoutMs });
    } catch (err) {
      return done("failed", `${command} on ${node.name} failed: ${(err as Error).message}`);
    }
    const output = `${res.stderr}\n${res.stdout}`;
    if (res.code === 127 || tool.missing.test(output)) {
      return done("failed", `${tool.tool} not found on node ${node.name}: ${tool.install}`);
    }
    if (res.code !== 0) {
      const why = firstLine(res.stderr) || firstLine(res.stdout) || (res.code === null ? "killed by a signal" : "");
      return done("failed", `${command} on ${node.name} exited ${res.code ?? "by signal"}${why ? `: ${why}` : ""}`);
    }
    log.debug({ node: node.name, vip: action.vip, command }, ipv4 ? "gratuitous ARP sent" : "unsolicited neighbour advertisement sent");
  }
  return done("sent");
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0]?.trim().slice(0, 300) ?? "";
}
