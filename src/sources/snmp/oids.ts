// OIDs of the IP-MIB / IF-MIB objects we read or serve, and the few enumerations we decode.
// Plain constants, no net-snmp import, so the decoders stay pure.

export const SYS_DESCR = "1.3.6.1.2.1.1.1";
export const SYS_OBJECT_ID = "1.3.6.1.2.1.1.2";
export const SYS_UPTIME = "1.3.6.1.2.1.1.3";
export const SYS_NAME = "1.3.6.1.2.1.1.5";

export const IF_ENTRY = "1.3.6.1.2.1.2.2.1";
export const IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1";

/** ipAddrTable (RFC 1213, IPv4 only): indexed by address. */
export const IP_ADDR_ENTRY = "1.3.6.1.2.1.4.20.1";
export const IP_AD_ENT_IF_INDEX = `${IP_ADDR_ENTRY}.2`;
export const IP_AD_ENT_NET_MASK = `${IP_ADDR_ENTRY}.3`;

/** ipAddressTable (RFC 4293): indexed by addrType.len.address. */
export const IP_ADDRESS_ENTRY = "1.3.6.1.2.1.4.34.1";
export const IP_ADDRESS_IF_INDEX = `${IP_ADDRESS_ENTRY}.3`;
/** RowPointer into ipAddressPrefixTable; its last sub-id is the prefix length. */
export const IP_ADDRESS_PREFIX = `${IP_ADDRESS_ENTRY}.5`;
/** ipAddressPrefixOrigin column, the usual target of ipAddressPrefix. */
export const IP_ADDRESS_PREFIX_ORIGIN = "1.3.6.1.2.1.4.32.1.5";

/** ipNetToMediaTable (IPv4 only): index ifIndex.a.b.c.d. */
export const IP_NET_TO_MEDIA_ENTRY = "1.3.6.1.2.1.4.22.1";
export const MEDIA_COL = { ifIndex: 1, physAddress: 2, netAddress: 3, type: 4 } as const;

/** ipNetToPhysicalTable (IPv4 and IPv6; the only IP-MIB table with IPv6 rows): index ifIndex.addrType.len.address. */
export const IP_NET_TO_PHYSICAL_ENTRY = "1.3.6.1.2.1.4.35.1";
export const PHYSICAL_COL = { physAddress: 4, lastUpdated: 5, type: 6, state: 7, rowStatus: 8 } as const;

/** InetAddressType ipv4(1) and ipv6(2) (RFC 4001); their InetAddress is 4 and 16 octets. */
export const INET_ADDRESS_IPV4 = 1;
export const INET_ADDRESS_IPV6 = 2;

/** ipNetToMediaType / ipNetToPhysicalType. local(5) exists in ipNetToPhysicalType only. */
export const ARP_TYPE = { other: 1, invalid: 2, dynamic: 3, static: 4, local: 5 } as const;

/** ipNetToPhysicalState. */
export const ARP_STATE = {
  reachable: 1,
  stale: 2,
  delay: 3,
  probe: 4,
  invalid: 5,
  unknown: 6,
  incomplete: 7,
} as const;

/** ASN.1/SMI tags of varbind types, as net-snmp reports them in Varbind.type. */
export const ASN = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  OID: 6,
  IpAddress: 64,
  Counter: 65,
  Gauge: 66,
  TimeTicks: 67,
  NoSuchObject: 128,
  NoSuchInstance: 129,
  EndOfMibView: 130,
} as const;

export type ArpTable = "ipNetToMedia" | "ipNetToPhysical";

export function arpEntryOid(table: ArpTable): string {
  return table === "ipNetToMedia" ? IP_NET_TO_MEDIA_ENTRY : IP_NET_TO_PHYSICAL_ENTRY;
}

/** Parses a dotted OID into sub-ids; null when it is not strictly numeric. */
export function parseOid(oid: string): number[] | null {
  if (typeof oid !== "string" || !/^\.?\d+(\.\d+)*$/.test(oid)) return null;
  const parts = oid.replace(/^\./, "").split(".").map(Number);
  return parts.every((n) => Number.isSafeInteger(n) && n <= 0xffffffff) ? parts : null;
}

/** The sub-ids of `oid` after `prefix`; null when `oid` is not strictly under `prefix`. */
export function oidSuffix(oid: string, prefix: string): number[] | null {
  if (typeof oid !== "string" || !oid.startsWith(prefix + ".")) return null;
  return parseOid(oid.slice(prefix.length + 1));
}

/** Numeric OID order (the order GETNEXT walks in). */
export function compareOids(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
