// Builds the source adapters a config asks for: one per router, one per node, one per DNS name.
import type { Config, SshRouterConfig } from "../config/types.js";
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

export function createSources(config: Config, log: Logger): Sources {
  const dns = config.dns;
  return {
    routers: config.routers.map((r) =>
      r.type === "snmp" ? createSnmpRouterSource(r, log.child({ router: r.name })) : sshRouter(r, log.child({ router: r.name })),
    ),
    nodes: config.nodes.map((n) =>
      n.ssh && config.ssh
        ? createSshNodeSource(n, config.ssh, log.child({ node: n.name }))
        : createStaticNodeSource(n, config.vips),
    ),
    dns: dns ? dns.names.map((name) => createDnsSource(name, dns)) : [],
  };
}
