// The two ways an SNMP read fails although the agent answered: the ARP table is not in the
// view of this community or user (noSuchObject, or a walk that leaves the table at once), and
// an answer that does not answer what was asked. Each message says what to change.
import type { SnmpRouterConfig } from "../../config/types.js";
import { formatTarget } from "./session.js";
import { IP_ADDRESS_ENTRY, IP_ADDR_ENTRY, IP_NET_TO_MEDIA_ENTRY, IP_NET_TO_PHYSICAL_ENTRY, type ArpTable } from "./oids.js";

const TABLE_OID: Record<ArpTable, string> = {
  ipNetToMedia: IP_NET_TO_MEDIA_ENTRY.replace(/\.1$/, ""),
  ipNetToPhysical: IP_NET_TO_PHYSICAL_ENTRY.replace(/\.1$/, ""),
};

/** "community" or "SNMPv3 user NAME", as the view is bound to it. */
function principal(cfg: SnmpRouterConfig): string {
  return cfg.version === 3 && cfg.v3 ? `SNMPv3 user "${cfg.v3.user}"` : "this community";
}

/** The agent does not show the ARP table(s): nothing can be said about the VIPs. */
export class SnmpViewError extends Error {
  override readonly name = "SnmpViewError";

  constructor(cfg: SnmpRouterConfig, tables: ArpTable[], how: string) {
    const names = tables.map((t) => `${t}Table (${TABLE_OID[t]})`).join(" or ");
    const addrTable = IP_ADDR_ENTRY.replace(/\.1$/, "");
    // IPv6 interface addresses are listed in ipAddressTable only.
    const addressTable = tables.includes("ipNetToPhysical") ? [IP_ADDRESS_ENTRY.replace(/\.1$/, "")] : [];
    const views = [...tables.map((t) => TABLE_OID[t]), addrTable, ...addressTable].map((oid) => `"view VIEW included .${oid}"`).join(", ");
    super(
      `the SNMP agent ${formatTarget(cfg.host, cfg.port)} does not show ${names} to ${principal(cfg)} (${how}): ` +
        `the ARP table is outside its view or not supported, so the router's entries for the VIPs are unknown. ` +
        `Add the IP-MIB ARP table to the view of ${principal(cfg)} (net-snmp snmpd.conf: ${views}, where VIEW is the view of the ` +
        `rocommunity/rouser line; Debian's stock view "systemonly" shows none of them) and restart the agent`,
    );
  }
}

/** The agent answered, but not what was asked: nothing in the answer can be trusted. */
export class SnmpMalformedError extends Error {
  override readonly name = "SnmpMalformedError";

  constructor(cfg: SnmpRouterConfig, op: string, reason: string) {
    super(
      `malformed SNMP ${op} response from ${formatTarget(cfg.host, cfg.port)}: ${reason}; ` +
        `the router's entries for the VIPs are unknown: check the agent (firmware, proxies or NAT rewriting SNMP)`,
    );
  }
}
