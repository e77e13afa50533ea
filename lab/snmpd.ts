// Debian's net-snmp agent in the router namespace: serves the kernel's ARP table (IP-MIB)
// with a read-only community. -C: no system config; -I -smux,agentx: no subagent sockets.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inNs } from "./exec.js";
import { isAlive, spawnDaemon, type TrackedProcess } from "./procs.js";
import { listening } from "./sshd.js";
import { pollUntil } from "./wait.js";

export interface SnmpdSite {
  ns: string;
  address: string;
  subnet: string;
  community: string;
  dir: string;
  /**
   * "lab" (default): the community sees everything. "debian-stock": the view of Debian's stock
   * snmpd.conf, which shows the system group only, not the ARP tables (tests of that case).
   */
  view?: "lab" | "debian-stock";
}

export function snmpdConfig(site: SnmpdSite): string {
  const restricted = site.view === "debian-stock";
  return [
    "# vip-arp-exporter lab: read-only community for the lab subnet only",
    ...(restricted
      ? [
          "# As Debian's stock /etc/snmp/snmpd.conf: the community's view is the system group only.",
          "view systemonly included .1.3.6.1.2.1.1",
          "view systemonly included .1.3.6.1.2.1.25.1",
          `rocommunity ${site.community} ${site.subnet} -V systemonly`,
        ]
      : [`rocommunity ${site.community} ${site.subnet}`]),
    "sysName lab-router",
    "sysLocation vip-arp-exporter lab",
    "",
  ].join("\n");
}

export async function startSnmpd(site: SnmpdSite, logDir: string): Promise<TrackedProcess> {
  mkdirSync(site.dir, { recursive: true, mode: 0o700 });
  const persist = join(site.dir, "snmp-persist");
  mkdirSync(persist, { recursive: true, mode: 0o700 });
  const conf = join(site.dir, "snmpd.conf");
  writeFileSync(conf, snmpdConfig(site), { mode: 0o600 });
  const log = join(logDir, "lab-router-snmpd.log");
  const argv = inNs(site.ns, [
    "/usr/sbin/snmpd", "-f", "-Lo", "-C", "-c", conf, "-I", "-smux,agentx",
    "-p", join(site.dir, "snmpd.pid"), `udp:${site.address}:161`,
  ]);
  // MIBS=: loads no MIB files (none are needed to serve numeric OIDs, and Debian ships few).
  const env = { ...process.env, MIBS: ":", SNMP_PERSISTENT_DIR: persist };
  const proc = await spawnDaemon("snmpd lab-router", argv, log, env);
  await pollUntil(
    `snmpd to listen on ${site.address}:161 (log: ${log})`,
    async () => {
      if (!isAlive(proc)) throw new Error(`snmpd exited; see ${log}`);
      return (await listening(site.ns, "udp", site.address, 161)) ? true : undefined;
    },
    { timeoutMs: 30_000 }, // a bound, not a delay: generous for a loaded 2-core machine
  );
  return proc;
}
