// Node inventory: the MAC and addresses of a node's VIP-facing interface, read over SSH, or
// taken from config for nodes with a static MAC and no SSH.
import type { NodeConfig, SshSettings } from "../config/types.js";
import type { Logger } from "../log.js";
import { isInterfaceName, normalizeMac } from "../model/net.js";
import type { CommandRunner, ExecResult, NodeInventory } from "../model/types.js";
import { parseIpAddrJson, preview } from "./ip-addr-json.js";
import { SshConnection } from "./ssh/connection.js";
import type { NodeSource } from "./types.js";

/** Reads a node over its own persistent SSH connection (also used by remediation as `runner`). */
export function createSshNodeSource(node: NodeConfig, settings: SshSettings, log: Logger): NodeSource {
  const runner = new SshConnection({ name: node.name, host: node.host, port: node.port, settings, log });
  return {
    name: node.name,
    runner,
    read: () => readNode(node, runner, settings.timeoutMs),
    close: () => runner.close(),
  };
}

/** A node known only from config: its static MAC, and node.holds (default: every VIP). */
export function createStaticNodeSource(node: NodeConfig, vips: string[]): NodeSource {
  return {
    name: node.name,
    runner: null,
    read: async () => ({ node: node.name, mac: node.mac ?? null, addresses: [...(node.holds ?? vips)] }),
    close: async () => {},
  };
}

/** Both commands share one deadline so a read never takes longer than the node's timeout. */
export async function readNode(node: NodeConfig, runner: CommandRunner, timeoutMs: number): Promise<NodeInventory> {
  const iface = node.interface;
  // Validated before any command is built: the name goes into a remote command line.
  if (!isInterfaceName(iface)) {
    throw new Error(`node ${node.name}: interface ${JSON.stringify(iface)} is not a valid interface name; fix nodes[].interface`);
  }
  const deadline = Date.now() + timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());

  const ipCmd = `ip -j addr show dev ${iface}`;
  // The whole timeout, not remaining(): a millisecond gone by would make the message name
  // 4999 ms where ssh.timeout says 5s.
  const ip = await runner.exec(ipCmd, { timeoutMs });
  expectSuccess(node, ipCmd, ip);
  let parsed;
  try {
    parsed = parseIpAddrJson(ip.stdout, iface);
  } catch (err) {
    throw new Error(`node ${node.name}: ${(err as Error).message}`);
  }

  let mac = node.mac ?? parsed.mac;
  if (!mac) {
    const catCmd = `cat /sys/class/net/${iface}/address`;
    const res = await runner.exec(catCmd, { timeoutMs: remaining() });
    expectSuccess(node, catCmd, res);
    mac = normalizeMac(res.stdout);
    if (!mac) throw new Error(`node ${node.name}: "${catCmd}" printed no MAC address (got ${preview(res.stdout)})`);
  }
  return { node: node.name, mac, addresses: parsed.addresses };
}

function expectSuccess(node: NodeConfig, cmd: string, res: ExecResult): void {
  if (res.code === 0) return;
  const detail = (res.stderr.trim() || res.stdout.trim()).split("\n")[0]?.slice(0, 200) || "no output";
  const how = res.code === null ? "was killed by a signal" : `exited ${res.code}`;
  throw new Error(`node ${node.name}: "${cmd}" ${how}: ${detail}; check nodes[].interface and that iproute2 is installed`);
}
