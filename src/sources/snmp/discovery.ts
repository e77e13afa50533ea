// Finds, once, what a read needs to GET exactly the VIP rows: the ifIndex of the router
// interface facing each VIP (from the small address tables) and which ARP table to use.
import { ipv4InSubnet, isIpv4 } from "../../model/net.js";
import type { SnmpRouterConfig, SnmpTable } from "../../config/types.js";
import type { Logger } from "../../log.js";
import { ipv4FromSubids, intValue, isMissing, prefixFromMask, prefixFromRowPointer, type RawVarbind } from "./decode.js";
import {
  INET_ADDRESS_IPV4,
  IP_AD_ENT_IF_INDEX,
  IP_AD_ENT_NET_MASK,
  IP_ADDRESS_IF_INDEX,
  IP_ADDRESS_PREFIX,
  arpEntryOid,
  oidSuffix,
  type ArpTable,
} from "./oids.js";
import { SnmpViewError } from "./errors.js";
import type { SnmpClient } from "./session.js";

export interface InterfaceAddress {
  address: string;
  prefixLength: number;
  ifIndex: number;
}

function validIfIndex(n: number | null): n is number {
  return n !== null && n >= 1 && n <= 0x7fffffff;
}

/** Joins ipAdEntIfIndex and ipAdEntNetMask rows (both indexed by the address). */
export function parseIpAddrTable(ifIndexVbs: RawVarbind[], maskVbs: RawVarbind[]): InterfaceAddress[] {
  const masks = new Map<string, number>();
  for (const vb of maskVbs) {
    const ip = ipv4FromSubids(oidSuffix(vb.oid, IP_AD_ENT_NET_MASK) ?? []);
    const prefix = prefixFromMask(vb);
    if (ip !== null && prefix !== null) masks.set(ip, prefix);
  }
  const out: InterfaceAddress[] = [];
  for (const vb of ifIndexVbs) {
    const ip = ipv4FromSubids(oidSuffix(vb.oid, IP_AD_ENT_IF_INDEX) ?? []);
    const ifIndex = intValue(vb);
    const prefixLength = ip === null ? undefined : masks.get(ip);
    if (ip !== null && validIfIndex(ifIndex) && prefixLength !== undefined) {
      out.push({ address: ip, prefixLength, ifIndex });
    }
  }
  return out;
}

function ipv4FromInetIndex(subids: number[] | null): string | null {
  if (!subids || subids[0] !== INET_ADDRESS_IPV4 || subids[1] !== 4) return null;
  return ipv4FromSubids(subids.slice(2));
}

/** Joins ipAddressIfIndex and ipAddressPrefix rows (indexed by addrType.len.address), IPv4 only. */
export function parseIpAddressTable(ifIndexVbs: RawVarbind[], prefixVbs: RawVarbind[]): InterfaceAddress[] {
  const prefixes = new Map<string, number>();
  for (const vb of prefixVbs) {
    const ip = ipv4FromInetIndex(oidSuffix(vb.oid, IP_ADDRESS_PREFIX));
    const prefix = prefixFromRowPointer(vb);
    if (ip !== null && prefix !== null) prefixes.set(ip, prefix);
  }
  const out: InterfaceAddress[] = [];
  for (const vb of ifIndexVbs) {
    const ip = ipv4FromInetIndex(oidSuffix(vb.oid, IP_ADDRESS_IF_INDEX));
    const ifIndex = intValue(vb);
    const prefixLength = ip === null ? undefined : prefixes.get(ip);
    if (ip !== null && validIfIndex(ifIndex) && prefixLength !== undefined) {
      out.push({ address: ip, prefixLength, ifIndex });
    }
  }
  return out;
}

/** The ifIndex of the most specific interface subnet containing `vip`; null when none does. */
export function interfaceFor(vip: string, addresses: readonly InterfaceAddress[]): number | null {
  if (!isIpv4(vip)) return null;
  let best: InterfaceAddress | null = null;
  for (const a of addresses) {
    if (a.prefixLength === 0) continue; // a default route is no evidence of an attached subnet
    if (!ipv4InSubnet(vip, a.address, a.prefixLength)) continue;
    if (!best || a.prefixLength > best.prefixLength) best = a;
  }
  return best ? best.ifIndex : null;
}

/** The agent answered but refused (error-status set): for discovery that means "not available". */
export function isAgentRefusal(err: unknown): boolean {
  return (err as { cause?: { name?: unknown } })?.cause?.name === "RequestFailedError";
}

export interface AddressDiscovery {
  source: "ipAddrTable" | "ipAddressTable" | null;
  addresses: InterfaceAddress[];
}

// Address tables list the router's own addresses: a few rows, so walks stay cheap.
const ADDRESS_WALK_LIMIT = 10_000;

async function walkOrEmpty(client: SnmpClient, oid: string, log: Logger): Promise<RawVarbind[]> {
  try {
    return await client.walkColumn(oid, { maxRows: ADDRESS_WALK_LIMIT });
  } catch (err) {
    if (!isAgentRefusal(err)) throw err;
    log.debug({ oid, err: (err as Error).message }, "SNMP agent refused an address table walk");
    return [];
  }
}

/** The router's IPv4 interface addresses: ipAddrTable, else ipAddressTable. */
export async function readInterfaceAddresses(client: SnmpClient, log: Logger): Promise<AddressDiscovery> {
  const ifIndexes = await walkOrEmpty(client, IP_AD_ENT_IF_INDEX, log);
  if (ifIndexes.length > 0) {
    const masks = await walkOrEmpty(client, IP_AD_ENT_NET_MASK, log);
    const addresses = parseIpAddrTable(ifIndexes, masks);
    if (addresses.length > 0) return { source: "ipAddrTable", addresses };
  }
  const ifIndexes2 = await walkOrEmpty(client, IP_ADDRESS_IF_INDEX, log);
  if (ifIndexes2.length > 0) {
    const prefixes = await walkOrEmpty(client, IP_ADDRESS_PREFIX, log);
    const addresses = parseIpAddressTable(ifIndexes2, prefixes);
    if (addresses.length > 0) return { source: "ipAddressTable", addresses };
  }
  return { source: null, addresses: [] };
}

/** Whether a GETNEXT from the table's entry stays inside it (the agent shows at least one row). */
async function shows(client: SnmpClient, table: ArpTable): Promise<boolean> {
  const entry = arpEntryOid(table);
  const [vb] = await client.getNext([entry]);
  return vb !== undefined && !isMissing(vb) && oidSuffix(vb.oid, entry) !== null;
}

/**
 * The ARP table to read. auto prefers ipNetToMediaTable when the agent has it: Debian's
 * snmpd 5.9.3 keeps reporting the old MAC in ipNetToPhysicalTable after a change. A table the
 * agent does not show (outside the view, unsupported, or empty) is an error, never an empty table.
 */
export async function chooseArpTable(client: SnmpClient, pref: SnmpTable, cfg: SnmpRouterConfig): Promise<ArpTable> {
  const order: ArpTable[] = pref === "auto" ? ["ipNetToMedia", "ipNetToPhysical"] : [pref];
  for (const table of order) if (await shows(client, table)) return table;
  throw new SnmpViewError(cfg, order, "a GETNEXT from the table's entry left the table at once");
}
