// The exporter config the lab writes for itself (DESIGN.md contract): the router twice (SNMP
// and SSH `ip -j neigh`), every node over SSH, the lab's key, known_hosts and token. With IPv6
// VIPs the router is read over SSH only: Debian's snmpd 5.9.3 keeps the old MAC of an IPv6
// neighbour the kernel updated in place (docs/lab.md), so its view of them would be wrong after
// every repair, and ipNetToPhysicalTable is the only IP-MIB table with IPv6 rows.
import { stringify } from "yaml";
import type { LabFamily } from "./addressing.js";

export interface ExporterConfigInput {
  vips: readonly string[];
  /** Default ipv4. */
  family?: LabFamily;
  nodes: readonly { name: string; address: string }[];
  router: { address: string };
  community: string;
  privateKeyFile: string;
  knownHostsFile: string;
  tokenFile: string;
  /** Changes for other uses of the lab (the peer bench); the defaults give the lab's own config. */
  overrides?: ExporterConfigOverrides;
}

export interface ExporterConfigOverrides {
  /** ssh.user (default root). */
  sshUser?: string;
  /** Which of the two routers to list (default both). */
  routers?: readonly ("snmp" | "linux")[];
  /** The SNMP router's timeout (default 5s). */
  snmpTimeout?: string;
  /** Replaces the remediation settings besides token_file (default: garp_count 1). */
  remediation?: Record<string, unknown>;
}

export const SNMP_ROUTER_NAME = "lab-router";
export const SSH_ROUTER_NAME = "lab-router-ssh";

export function exporterConfig(c: ExporterConfigInput): string {
  const o = c.overrides ?? {};
  const routers = o.routers ?? ((c.family ?? "ipv4") === "ipv4" ? ["snmp", "linux"] : ["linux"]);
  const doc = {
    vips: [...c.vips],
    nodes: c.nodes.map((n) => ({ name: n.name, address: n.address, interface: "eth0" })),
    routers: [
      routers.includes("snmp") && {
        name: SNMP_ROUTER_NAME,
        type: "snmp",
        address: c.router.address,
        community: c.community,
        // net-snmp 5.9.3 serves stale/mixed MACs in ipNetToPhysicalTable (4.35) after an
        // entry changes; ipNetToMediaTable (4.22) follows the kernel.
        table: "ipNetToMedia",
        // Generous for a loaded 2-core CI machine; an answer takes milliseconds here.
        timeout: o.snmpTimeout ?? "5s",
      },
      routers.includes("linux") && { name: SSH_ROUTER_NAME, type: "ssh", platform: "linux", address: c.router.address },
    ].filter(Boolean),
    ssh: {
      user: o.sshUser ?? "root",
      private_key_file: c.privateKeyFile,
      known_hosts_file: c.knownHostsFile,
      timeout: "10s",
    },
    // Above every source's own timeout, so a slow source fails on its own timeout first.
    scrape_timeout: "20s",
    remediation: o.remediation ? { token_file: c.tokenFile, ...o.remediation } : {
      token_file: c.tokenFile,
      // arping -c N takes N seconds per form even in unsolicited mode; the lab's bridge loses
      // no frame, so one of each form is enough (remediation 2 s per action instead of 6 s).
      garp_count: 1,
    },
  };
  return "# Written by the vip-arp-exporter lab (lab/lab.ts); removed by `npm run lab -- down`.\n" + stringify(doc);
}
