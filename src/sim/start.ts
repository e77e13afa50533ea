// Starts a simulated segment: one SNMP agent per router, one SSH server per node and, when the
// scenario has dns names, one name server, all on 127.0.0.1, and the exporter Config that
// points at them.
import { defaultRemediation } from "../config/load.js";
import type { Config, RemediationConfig } from "../config/types.js";
import { startDnsServer, type SimDnsServer } from "./dns-server.js";
import { generateSimKeys, knownHostsFor } from "./keys.js";
import { buildSegment, type Scenario } from "./scenario.js";
import type { SimSegment } from "./segment.js";
import { startSnmpAgent } from "./snmp-agent.js";
import { startSshNode } from "./ssh-node.js";

export const SIM_USER = "vip-arp";

export interface SimulatedNode {
  port: number;
  /** Every command the node was asked to run, in order. */
  commands: string[];
  /** TCP connections the node's SSH server accepted so far. */
  connections(): number;
}

export interface SimulatedRouter {
  port: number;
  requests(): number;
}

export interface Simulation {
  segment: SimSegment;
  config: Config;
  nodes: Record<string, SimulatedNode>;
  routers: Record<string, SimulatedRouter>;
  /** The segment's name server; null when the scenario has no dns names. */
  dns: SimDnsServer | null;
  stop(): Promise<void>;
}

export interface SimulationOptions {
  /** Overrides of the remediation settings of the generated config. */
  remediation?: Partial<RemediationConfig>;
  /** Name shown as the config source. */
  source?: string;
}

export async function startSimulation(scenario: Scenario, opts: SimulationOptions = {}): Promise<Simulation> {
  const segment = buildSegment(scenario);
  const keys = generateSimKeys(scenario.nodes.map((n) => n.name));
  const closers: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(closers.map((c) => c()));
  };
  try {
    const nodes: Record<string, SimulatedNode> = {};
    for (const n of scenario.nodes) {
      const server = await startSshNode(segment, n.name, {
        hostKey: keys.hostKeys[n.name]!.privateKey,
        authorizedKey: keys.client.publicKey,
        user: SIM_USER,
      });
      closers.push(() => server.close());
      nodes[n.name] = { port: server.port, commands: server.commands, connections: () => server.connectionCount() };
    }
    const routers: Record<string, SimulatedRouter> = {};
    for (const r of scenario.routers) {
      const agent = await startSnmpAgent(segment, r.name);
      closers.push(() => agent.close());
      routers[r.name] = { port: agent.port, requests: () => agent.requests() };
    }
    const dns = scenario.dns ? await startDnsServer(scenario.dns.names) : null;
    if (dns) closers.push(() => dns.close());
    const knownHosts = knownHostsFor(
      scenario.nodes.map((n) => ({ host: "127.0.0.1", port: nodes[n.name]!.port, publicKey: keys.hostKeys[n.name]!.publicKey })),
    );
    const config: Config = {
      vips: [...segment.vips],
      nodes: scenario.nodes.map((n) => ({
        name: n.name,
        host: "127.0.0.1",
        port: nodes[n.name]!.port,
        interface: n.interface,
        ssh: true,
      })),
      routers: scenario.routers.map((r) => ({
        type: "snmp" as const,
        name: r.name,
        host: "127.0.0.1",
        port: routers[r.name]!.port,
        version: 2 as const,
        community: r.community,
        table: "auto" as const,
        // Generous for loopback: the agent shares the process (and a busy CI core) with the exporter.
        timeoutMs: 2000,
        retries: 1,
      })),
      ssh: {
        user: SIM_USER,
        privateKey: keys.client.privateKey,
        knownHosts,
        knownHostsFile: "<simulated known_hosts>",
        timeoutMs: 5000,
        keepaliveIntervalMs: 15_000,
      },
      // The simulated routers answer at once: verify quickly.
      remediation: { ...defaultRemediation(), verifyTimeoutMs: 3000, verifyIntervalMs: 100, ...opts.remediation },
      ...(dns ? { dns: { names: [...dns.records.keys()], server: { host: "127.0.0.1", port: dns.port }, timeoutMs: 2000 } } : {}),
      scrapeTimeoutMs: 10_000,
      source: opts.source ?? "<simulated segment>",
    };
    return { segment, config, nodes, routers, dns, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
