// Finds, once, what a read needs to GET exactly the VIP rows: the ifIndex of the router
// interface facing each VIP (from the small address tables) and which ARP table to use
// (IPv4: ipNetToMedia or ipNetToPhysical; IPv6: ipNetToPhysical, the only one with IPv6 rows).
import { ipFamily, ipv4InSubnet, ipv6InSubnet, isIpv4 } from "../../model/net.js";
import type { SnmpRouterConfig, SnmpTable } from "../../config/types.js";
import type { Logger } from "../../log.js";
import { inetAddressFromSubids, ipv4FromSubids, intValue, isMissing, prefixFromMask, prefixFromRowPointer, type RawVarbind } from "./decode.js";
import {
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

/** The address of an ipAddressTable row index (addrType.len.address, nothing after it), IPv4 or IPv6. */
function addressOfIndex(subids: number[] | null): string | null {
  const a = subids ? inetAddressFromSubids(subids) : null;
  return a !== null && a.rest.length === 0 ? a.ip : null;
}

/** Joins ipAddressIfIndex and ipAddressPrefix rows (indexed by addrType.len.address), IPv4 and IPv6. */
export function parseIpAddressTable(ifIndexVbs: RawVarbind[], prefixVbs: RawVarbind[]): InterfaceAddress[] {
  const prefixes = new Map<string, number>();
  for (const vb of prefixVbs) {
    const ip = addressOfIndex(oidSuffix(vb.oid, IP_ADDRESS_PREFIX));
    const prefix = ip === null ? null : prefixFromRowPointer(vb, isIpv4(ip) ? 32 : 128);
    if (ip !== null && prefix !== null) prefixes.set(ip, prefix);
  }
  const out: InterfaceAddress[] = [];
  for (const vb of ifIndexVbs) {
    const ip = addressOfIndex(oidSuffix(vb.oid, IP_ADDRESS_IF_INDEX));
    const ifIndex = intValue(vb);
    const prefixLength = ip === null ? undefined : prefixes.get(ip);
    if (ip !== null && validIfIndex(ifIndex) && prefixLength !== undefined) {
      out.push({ address: ip, prefixLength, ifIndex });
    }
  }
  return out;
}

/** The ifIndex of the most specific interface subnet of the VIP's family containing `vip`; null when none does. */
export function interfaceFor(vip: string, addresses: readonly InterfaceAddress[]): number | null {
  const family = ipFamily(vip);
  if (family === null) return null;
  let best: InterfaceAddress | null = null;
  for (const a of addresses) {
    if (a.prefixLength === 0) continue; // a default route is no evidence of an attached subnet
    if (ipFamily(a.address) !== family) continue;
    const inside = family === 4 ? ipv4InSubnet(vip, a.address, a.prefixLength) : ipv6InSubnet(vip, a.address, a.prefixLength);
    if (!inside) continue;
    if (!best || a.prefixLength > best.prefixLength) best = a;
  }
  return best ? best.ifIndex : null;
}

/** The agent answered but refused (error-status set): for discovery that means "not available". */
export function isAgentRefusal(err: unknown): boolean {
  return (err as { cause?: { name?: unknown } })?.cause?.name === "RequestFailedError";
}

export interface AddressDiscovery {
  /** Where the IPv4 addresses came from. */
  source: "ipAddrTable" | "ipAddressTable" | null;
  /** IPv4 addresses, then (when asked for) IPv6 ones. */
  addresses: InterfaceAddress[];
  /** ipAddressTable's IPv6 rows were read (the only place IPv6 interface addresses are listed). */
  ipv6: boolean;
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

/**
 * The router's interface addresses. IPv4: ipAddrTable, else ipAddressTable. IPv6 (when `ipv6`,
 * i.e. some VIP is IPv6): ipAddressTable, whose two columns are walked at most once per discovery.
 */
export async function readInterfaceAddresses(client: SnmpClient, log: Logger, ipv6 = false): Promise<AddressDiscovery> {
  let addressTable: InterfaceAddress[] | undefined;
  const readAddressTable = async (): Promise<InterfaceAddress[]> => {
    if (addressTable) return addressTable;
    const ifIndexes = await walkOrEmpty(client, IP_ADDRESS_IF_INDEX, log);
    addressTable = ifIndexes.length > 0 ? parseIpAddressTable(ifIndexes, await walkOrEmpty(client, IP_ADDRESS_PREFIX, log)) : [];
    return addressTable;
  };
  let source: AddressDiscovery["source"] = null;
  let v4: InterfaceAddress[] = [];
  const ifIndexes = await walkOrEmpty(client, IP_AD_ENT_IF_INDEX, log);
  if (ifIndexes.length > 0) {
    v4 = parseIpAddrTable(ifIndexes, await walkOrEmpty(client, IP_AD_ENT_NET_MASK, log));
    if (v4.length > 0) source = "ipAddrTable";
  }
  if (v4.length === 0) {
    v4 = (await readAddressTable()).filter((a) => isIpv4(a.address));
    if (v4.length > 0) source = "ipAddressTable";
  }
  const v6 = ipv6 ? (await readAddressTable()).filter((a) => !isIpv4(a.address)) : [];
  return { source, addresses: [...v4, ...v6], ipv6 };
}

/** Whether a GETNEXT from the table's entry stays inside it (the agent shows at least one row). */
async function shows(client: SnmpClient, table: ArpTable): Promise<boolean> {
  const entry = arpEntryOid(table);
  const [vb] = await client.getNext([entry]);
  return vb !== undefined && !isMissing(vb) && oidSuffix(vb.oid, entry) !== null;
}

/**
 * The ARP table to read for IPv4 VIPs. auto prefers ipNetToMediaTable when the agent has it:
 * Debian's snmpd 5.9.3 keeps reporting the old MAC in ipNetToPhysicalTable after a change. A
 * table the agent does not show (outside the view, unsupported, or empty) is an error, never an
 * empty table.
 */
export async function chooseArpTable(client: SnmpClient, pref: SnmpTable, cfg: SnmpRouterConfig): Promise<ArpTable> {
  const order: ArpTable[] = pref === "auto" ? ["ipNetToMedia", "ipNetToPhysical"] : [pref];
  for (const table of order) if (await shows(client, table)) return table;
  throw new SnmpViewError(cfg, order, "a GETNEXT from the table's entry left the table at once");
}

/**
 * IPv6 VIPs are read from ipNetToPhysicalTable whatever `table:` says (ipNetToMediaTable has
 * no IPv6 rows); the agent must show it. `known`: the IPv4 choice, when that already showed it.
 */
export async function requireIpv6Table(client: SnmpClient, cfg: SnmpRouterConfig, known: ArpTable | null): Promise<ArpTable> {
  if (known === "ipNetToPhysical" || (await shows(client, "ipNetToPhysical"))) return "ipNetToPhysical";
  throw new SnmpViewError(cfg, ["ipNetToPhysical"], "a GETNEXT from the table's entry left the table at once; IPv6 VIPs are read from it only");
}
