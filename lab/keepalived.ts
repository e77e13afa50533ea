// keepalived on the nodes: one VRRP instance per VIP, unicast VRRP between the nodes' own
// addresses (nothing leaves the lab bridge). The VIP's master gets the highest priority.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inNs } from "./exec.js";
import { isAlive, readPidFile, spawnDaemon, track, type TrackedProcess } from "./procs.js";
import { pollUntil } from "./wait.js";

export interface KeepalivedNode {
  name: string;
  ns: string;
  address: string;
  dir: string;
}

/** Index of the node that should be master of VIP i: spread round-robin, or all on node 0. */
export function masterIndex(vipIndex: number, nodeCount: number, spread: boolean): number {
  return spread ? vipIndex % nodeCount : 0;
}

/** Priority of node j for VIP i: 200 for the master, then 190, 180... in ring order. */
export function priority(nodeIndex: number, vipIndex: number, nodeCount: number, spread: boolean): number {
  const m = masterIndex(vipIndex, nodeCount, spread);
  return 200 - ((nodeIndex - m + nodeCount) % nodeCount) * 10;
}

export function keepalivedConfig(nodes: readonly KeepalivedNode[], nodeIndex: number, vips: readonly string[], spread: boolean): string {
  const me = nodes[nodeIndex]!;
  const peers = nodes.filter((_, j) => j !== nodeIndex).map((n) => n.address);
  const lines = [
    `# vip-arp-exporter lab: keepalived for ${me.name}`,
    "global_defs {",
    `  router_id ${me.name}`,
    "  enable_script_security",
    "  script_user root",
    "}",
  ];
  vips.forEach((vip, i) => {
    lines.push(
      `vrrp_instance VIP_${i + 1} {`,
      "  state BACKUP",
      "  interface eth0",
      `  virtual_router_id ${50 + i}`,
      `  priority ${priority(nodeIndex, i, nodes.length, spread)}`,
      "  advert_int 1",
      `  unicast_src_ip ${me.address}`,
      ...(peers.length ? ["  unicast_peer {", ...peers.map((p) => `    ${p}`), "  }"] : []),
      "  virtual_ipaddress {",
      `    ${vip}/32 dev eth0`,
      "  }",
      "}",
    );
  });
  return lines.join("\n") + "\n";
}

export interface KeepalivedProcs {
  /** The parent (stays in the foreground with -n). */
  main: TrackedProcess;
  /** The VRRP child, which owns the VIPs. */
  vrrp: TrackedProcess;
}

/** Writes the config and starts keepalived (VRRP only, foreground, console log). */
export async function startKeepalived(
  nodes: readonly KeepalivedNode[],
  nodeIndex: number,
  vips: readonly string[],
  spread: boolean,
  logDir: string,
): Promise<KeepalivedProcs> {
  const me = nodes[nodeIndex]!;
  mkdirSync(me.dir, { recursive: true, mode: 0o700 });
  const conf = join(me.dir, "keepalived.conf");
  writeFileSync(conf, keepalivedConfig(nodes, nodeIndex, vips, spread), { mode: 0o600 });
  const pidFile = join(me.dir, "keepalived.pid");
  const vrrpPidFile = join(me.dir, "keepalived-vrrp.pid");
  const log = join(logDir, `${me.name}-keepalived.log`);
  const argv = inNs(me.ns, [
    "/usr/sbin/keepalived", "--dont-fork", "--log-console", "--no-syslog", "--vrrp",
    "--use-file", conf, "--pid", pidFile, "--vrrp_pid", vrrpPidFile,
  ]);
  const main = await spawnDaemon(`keepalived ${me.name}`, argv, log);
  const vrrp = await pollUntil(
    `keepalived of ${me.name} to start its VRRP process (log: ${log})`,
    async () => {
      if (!isAlive(main)) throw new Error(`keepalived exited; see ${log}`);
      const pid = readPidFile(vrrpPidFile);
      return (pid !== null && track(`keepalived-vrrp ${me.name}`, pid)) || undefined;
    },
    { timeoutMs: 30_000 }, // a bound, not a delay: generous for a loaded 2-core machine
  );
  return { main, vrrp };
}
