// Builds the source adapters a config asks for: one per router, one per node, one per DNS name. A pool keeps
// them across config reloads: a router or node whose resolved settings did not change keeps
// its source, so its SSH connection and SNMP session (and discovery) survive the reload; DNS
// sources hold nothing and are built anew.
import type { Config, NodeConfig, RouterConfig, SshRouterConfig } from "../config/types.js";
import type { Logger } from "../log.js";
import { createDnsSource, type DnsSource } from "../sources/dns.js";
import { createSshNodeSource, createStaticNodeSource } from "../sources/node-inventory.js";
import { createSnmpRouterSource } from "../sources/snmp/router-source.js";
import { SshConnection } from "../sources/ssh/connection.js";
import { createSshRouterSource } from "../sources/ssh-router.js";
import type { NodeSource, RouterSource } from "../sources/types.js";

export interface Sources {
  routers: RouterSource[];
  /** Same order as config.nodes. */
  nodes: NodeSource[];
  /** Same order as config.dns.names; absent or empty without a dns section. */
  dns?: DnsSource[];
}

function sshRouter(cfg: SshRouterConfig, log: Logger): RouterSource {
  const conn = new SshConnection({ name: cfg.name, host: cfg.host, port: cfg.port, settings: cfg.ssh, log });
  return createSshRouterSource(cfg, conn, log);
}

function routerSource(r: RouterConfig, log: Logger): RouterSource {
  const child = log.child({ router: r.name });
  return r.type === "snmp" ? createSnmpRouterSource(r, child) : sshRouter(r, child);
}

function nodeSource(n: NodeConfig, config: Config, log: Logger): NodeSource {
  return n.ssh && config.ssh ? createSshNodeSource(n, config.ssh, log.child({ node: n.name })) : createStaticNodeSource(n, config.vips);
}

function dnsSources(config: Config): DnsSource[] {
  const dns = config.dns;
  return dns ? dns.names.map((name) => createDnsSource(name, dns)) : [];
}

export function createSources(config: Config, log: Logger): Sources {
  return {
    routers: config.routers.map((r) => routerSource(r, log)),
    nodes: config.nodes.map((n) => nodeSource(n, config, log)),
    dns: dnsSources(config),
  };
}

/** Everything a source was built from: equal keys, same source. Held in memory only, never logged. */
const routerKey = (r: RouterConfig): string => JSON.stringify(r);
const nodeKey = (n: NodeConfig, config: Config): string =>
  JSON.stringify(n.ssh && config.ssh ? { n, ssh: config.ssh } : { n, vips: config.vips });

interface Pooled<S> {
  key: string;
  source: S;
}

export class SourcePool {
  private routers = new Map<string, Pooled<RouterSource>>();
  private nodes = new Map<string, Pooled<NodeSource>>();

  constructor(private readonly log: Logger) {}

  /**
   * The sources for `config`, reusing those whose settings are unchanged. `retired` are the
   * sources the new config no longer uses: close them once nothing reads them any more.
   */
  take(config: Config): { sources: Sources; retired: (RouterSource | NodeSource)[] } {
    const routers = new Map<string, Pooled<RouterSource>>();
    const nodes = new Map<string, Pooled<NodeSource>>();
    for (const r of config.routers) {
      const key = routerKey(r);
      const old = this.routers.get(r.name);
      routers.set(r.name, old?.key === key ? old : { key, source: routerSource(r, this.log) });
    }
    for (const n of config.nodes) {
      const key = nodeKey(n, config);
      const old = this.nodes.get(n.name);
      nodes.set(n.name, old?.key === key ? old : { key, source: nodeSource(n, config, this.log) });
    }
    const keep = new Set<unknown>([...routers.values(), ...nodes.values()].map((p) => p.source));
    const retired = [...this.routers.values(), ...this.nodes.values()].map((p) => p.source).filter((s) => !keep.has(s));
    this.routers = routers;
    this.nodes = nodes;
    return {
      sources: {
        routers: config.routers.map((r) => routers.get(r.name)!.source),
        nodes: config.nodes.map((n) => nodes.get(n.name)!.source),
        dns: dnsSources(config),
      },
      retired,
    };
  }

  /** Every source the pool holds (shutdown). */
  all(): (RouterSource | NodeSource)[] {
    return [...this.routers.values(), ...this.nodes.values()].map((p) => p.source);
  }
}
