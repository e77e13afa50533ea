// Shared fixtures for the SSH tests: the DESIGN.md example segment, sim keys (generated once
// per file), sim SSH nodes on 127.0.0.1 and matching client settings.
import type { NodeConfig, SshSettings } from "../../src/config/types.js";
import { silentLogger } from "../../src/log.js";
import { generateSimKeys, knownHostsFor, type SimKeys } from "../../src/sim/keys.js";
import { SimSegment } from "../../src/sim/segment.js";
import { startSshNode, type SimSshNode } from "../../src/sim/ssh-node.js";
import { SshConnection } from "../../src/sources/ssh/connection.js";

export const VIPS = ["192.0.2.101", "192.0.2.102", "192.0.2.103"];
export const NODES = [
  { name: "ose-prod-node-01", address: "192.0.2.1", mac: "00:1a:4a:48:be:4b" },
  { name: "ose-prod-node-02", address: "192.0.2.2", mac: "00:1a:4a:48:be:ef" },
  { name: "ose-prod-node-03", address: "192.0.2.3", mac: "00:1a:4a:48:be:4c" },
];

export function exampleSegment(): SimSegment {
  const seg = new SimSegment(VIPS);
  for (const n of NODES) {
    seg.addNode({ ...n, interface: "eth0", holds: new Set(VIPS), up: true, hasArping: true });
  }
  seg.addRouter({
    name: "core-s1",
    arpAccept: false,
    ignores: "none",
    entries: new Map([
      ["192.0.2.101", { mac: "00:1a:4a:48:be:4b", static: false }],
      ["192.0.2.102", { mac: "00:1a:4a:48:be:4c", static: false }],
      ["192.0.2.103", { mac: "00:1a:4a:48:be:4c", static: false }],
    ]),
    community: "public",
    ifIndex: 2,
    ifName: "vlan100",
    address: "192.0.2.254",
    prefixLength: 24,
    up: true,
  });
  return seg;
}

export const USER = "root";
export const keys: SimKeys = generateSimKeys(NODES.map((n) => n.name));

export async function startNode(seg: SimSegment, name: string): Promise<SimSshNode> {
  return startSshNode(seg, name, { hostKey: keys.hostKeys[name]!.privateKey, authorizedKey: keys.client.publicKey, user: USER });
}

export function settingsFor(
  trusted: { port: number; publicKey: string }[],
  over: Partial<SshSettings> = {},
): SshSettings {
  return {
    user: USER,
    privateKey: keys.client.privateKey,
    knownHosts: knownHostsFor(trusted.map((t) => ({ host: "127.0.0.1", ...t }))),
    knownHostsFile: "/test/known_hosts",
    timeoutMs: 5000,
    keepaliveIntervalMs: 10_000,
    ...over,
  };
}

export function connect(name: string, port: number, settings: SshSettings): SshConnection {
  return new SshConnection({ name, host: "127.0.0.1", port, settings, log: silentLogger() });
}

export function nodeConfig(name: string, port: number, over: Partial<NodeConfig> = {}): NodeConfig {
  return { name, host: "127.0.0.1", port, interface: "eth0", ssh: true, ...over };
}
