// Pure decoders for what SNMP agents send back: MACs from OctetStrings, IPv4 and IPv6 addresses
// from table indexes, ARP entry type/state. Nothing here throws on bad input: a malformed value
// decodes to null or to a "malformed" result the caller logs.
import type { ArpEntry, Mac } from "../../model/types.js";
import { ipv6FromBytes, ipv6ToBytes, isIpv4, macFromBytes, maskToPrefix, normalizeMac } from "../../model/net.js";
import { ARP_STATE, ARP_TYPE, ASN, INET_ADDRESS_IPV4, INET_ADDRESS_IPV6, type ArpTable } from "./oids.js";

/** A varbind as net-snmp returns it (structurally; values from the wire are untrusted). */
export interface RawVarbind {
  oid: string;
  type: number;
  value: unknown;
}

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/** A MAC from an OctetString value; null unless exactly 6 bytes and not all zeros. */
export function macFromOctets(value: unknown): Mac | null {
  if (!isBytes(value)) return null;
  const mac = macFromBytes(value);
  if (mac === null || value.every((b) => b === 0)) return null;
  return mac;
}

/** The 6 bytes of a MAC in any notation normalizeMac accepts; null when it is not a MAC. */
export function macToOctets(mac: string): Buffer | null {
  const norm = normalizeMac(mac);
  return norm === null ? null : Buffer.from(norm.replaceAll(":", ""), "hex");
}

/** Dotted-quad IPv4 -> the 4 sub-ids of an index. Throws on a non-IPv4 (callers validate). */
export function ipv4ToSubids(ip: string): number[] {
  if (!isIpv4(ip)) throw new Error(`not an IPv4 address: ${ip}`);
  return ip.split(".").map(Number);
}

/** 4 sub-ids -> dotted quad; null unless exactly 4 integers in 0..255. */
export function ipv4FromSubids(subids: readonly number[]): string | null {
  if (subids.length !== 4) return null;
  if (!subids.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) return null;
  return subids.join(".");
}

/** An IPv4 or IPv6 address as an InetAddressType.InetAddress index (RFC 4001): 1.4.a.b.c.d or 2.16.(16 bytes). Throws on anything else. */
export function inetAddressToSubids(ip: string): number[] {
  if (isIpv4(ip)) return [INET_ADDRESS_IPV4, 4, ...ipv4ToSubids(ip)];
  const bytes = ipv6ToBytes(ip);
  if (!bytes) throw new Error(`not an IP address: ${ip}`);
  return [INET_ADDRESS_IPV6, 16, ...bytes];
}

/**
 * Inverse of inetAddressToSubids at the start of `subids`: the address (IPv6 in normalizeIp
 * form) and the sub-ids after it; null unless the type is ipv4(1) with length 4 or ipv6(2)
 * with length 16 and every octet is 0..255. Other types (ipv4z, ipv6z, dns) are not VIPs.
 */
export function inetAddressFromSubids(subids: readonly number[]): { ip: string; rest: number[] } | null {
  const [type, len] = subids;
  if (type === INET_ADDRESS_IPV4 && len === 4) {
    const ip = ipv4FromSubids(subids.slice(2, 6));
    return ip === null ? null : { ip, rest: subids.slice(6) };
  }
  if (type === INET_ADDRESS_IPV6 && len === 16 && subids.length >= 18) {
    const ip = ipv6FromBytes(subids.slice(2, 18));
    return ip === null ? null : { ip, rest: subids.slice(18) };
  }
  return null;
}

/**
 * The row index (after the column number) of an ARP/neighbour entry in `table`. IPv6 entries
 * exist in ipNetToPhysicalTable only; asking for one in ipNetToMediaTable throws (callers pick the table).
 */
export function arpRowIndex(table: ArpTable, ifIndex: number, ip: string): number[] {
  if (table === "ipNetToMedia") return [ifIndex, ...ipv4ToSubids(ip)];
  return [ifIndex, ...inetAddressToSubids(ip)];
}

/** Inverse of arpRowIndex; null for anything but a well-formed row index (IPv4, or IPv6 in ipNetToPhysical). */
export function parseArpRowIndex(
  table: ArpTable,
  subids: readonly number[],
): { ifIndex: number; ip: string } | null {
  const ifIndex = subids[0];
  if (ifIndex === undefined || !Number.isInteger(ifIndex) || ifIndex < 1 || ifIndex > 0x7fffffff) return null;
  if (table === "ipNetToMedia") {
    const ip = ipv4FromSubids(subids.slice(1));
    return ip === null ? null : { ifIndex, ip };
  }
  const addr = inetAddressFromSubids(subids.slice(1));
  return addr === null || addr.rest.length > 0 ? null : { ifIndex, ip: addr.ip };
}

/** An integer varbind value; null for any other type or a non-integer value. */
export function intValue(vb: RawVarbind | undefined): number | null {
  if (!vb || vb.type !== ASN.Integer) return null;
  return typeof vb.value === "number" && Number.isInteger(vb.value) ? vb.value : null;
}

/** noSuchObject / noSuchInstance / endOfMibView: the agent returned no value. */
export function isMissing(vb: RawVarbind | undefined): boolean {
  return (
    vb === undefined ||
    vb.type === ASN.NoSuchObject ||
    vb.type === ASN.NoSuchInstance ||
    vb.type === ASN.EndOfMibView
  );
}

/**
 * What one varbind of a GET response says about the object asked for. The three SNMP
 * exceptions mean different things and are never merged: noSuchObject (RFC 3416 4.2.1: the
 * object type is not in this view or not implemented), noSuchInstance (no such row), and
 * endOfMibView, which a GET response may not carry at all.
 */
export type GetVarbindProblem =
  | { kind: "not-visible" }
  | { kind: "malformed"; reason: string }
  | null;

/** Checks a GET response varbind against the OID asked for; null when it carries a value or noSuchInstance. */
export function getVarbindProblem(vb: unknown, askedOid: string): GetVarbindProblem {
  if (vb === null || typeof vb !== "object") return { kind: "malformed", reason: `no varbind answers ${askedOid}` };
  const v = vb as RawVarbind;
  if (typeof v.oid !== "string" || v.oid.replace(/^\./, "") !== askedOid) {
    return { kind: "malformed", reason: `the answer names OID ${String(v.oid)} where ${askedOid} was asked` };
  }
  if (v.type === ASN.EndOfMibView) return { kind: "malformed", reason: `endOfMibView answers a GET of ${askedOid} (only GETNEXT/GETBULK may end the MIB view)` };
  if (v.type === ASN.NoSuchObject) return { kind: "not-visible" };
  return null;
}

export type RowResult =
  | { kind: "entry"; entry: ArpEntry }
  /** noSuchInstance: the agent has no such row (the GET missed: re-discovery may help). */
  | { kind: "missing" }
  /** The row exists but is not a complete entry (invalid type, incomplete state...). */
  | { kind: "absent"; reason: string }
  /** The agent answered something we cannot read: the VIP's entry is unknown, not absent. */
  | { kind: "malformed"; reason: string };

export interface ArpRowVarbinds {
  physAddress: RawVarbind | undefined;
  type: RawVarbind | undefined;
  /** ipNetToPhysicalState; only for ipNetToPhysical. */
  state?: RawVarbind | undefined;
}

const noInstance = (vb: RawVarbind | undefined): boolean => vb !== undefined && vb.type === ASN.NoSuchInstance;

/** Why a physAddress OctetString is not a MAC: its length, or a MAC written as text. */
function macProblem(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString("latin1");
  if (normalizeMac(text) !== null) return `physAddress is the text "${text}" instead of 6 bytes`;
  return `physAddress is ${bytes.length} bytes, expected 6`;
}

/**
 * Decides whether one ARP row is a complete entry for `vip`, given the varbinds of a GET that
 * passed getVarbindProblem (no noSuchObject, no endOfMibView). Type invalid(2), state
 * invalid/incomplete and an all-zero MAC count as absent; static(4) and local(5) are marked
 * static (a GARP cannot move them). A row whose columns disagree on whether it exists, or whose
 * values have the wrong type or size, is malformed: the VIP's entry is unknown.
 */
export function decodeArpRow(table: ArpTable, vip: string, ifIndex: number, vbs: ArpRowVarbinds): RowResult {
  try {
    const cols = table === "ipNetToPhysical" ? [vbs.physAddress, vbs.type, vbs.state] : [vbs.physAddress, vbs.type];
    if (cols.every((vb) => vb === undefined || noInstance(vb))) return { kind: "missing" };
    if (cols.some((vb) => vb === undefined || isMissing(vb))) {
      return { kind: "malformed", reason: "some columns of the row exist and others do not (noSuchInstance)" };
    }
    const phys = vbs.physAddress!;
    if (phys.type !== ASN.OctetString || !isBytes(phys.value)) {
      return { kind: "malformed", reason: `physAddress has type ${String(phys.type)}, expected OctetString (4)` };
    }
    const mac = macFromOctets(phys.value);
    if (mac === null) {
      return phys.value.length === 6
        ? { kind: "absent", reason: "physAddress is all zeros" }
        : { kind: "malformed", reason: macProblem(phys.value) };
    }

    const type = intValue(vbs.type);
    if (type === null) return { kind: "malformed", reason: `type has varbind type ${String(vbs.type!.type)}, expected Integer (2)` };
    if (type === ARP_TYPE.invalid) return { kind: "absent", reason: "type invalid(2)" };
    const isStatic = type === ARP_TYPE.static || (table === "ipNetToPhysical" && type === ARP_TYPE.local);

    if (table === "ipNetToPhysical") {
      const state = intValue(vbs.state);
      if (state === null) return { kind: "malformed", reason: `state has varbind type ${String(vbs.state!.type)}, expected Integer (2)` };
      if (state === ARP_STATE.incomplete) return { kind: "absent", reason: "state incomplete(7)" };
      if (state === ARP_STATE.invalid) return { kind: "absent", reason: "state invalid(5)" };
    }

    return { kind: "entry", entry: { vip, mac, static: isStatic, interface: String(ifIndex) } };
  } catch (err) {
    // Defensive: hostile values (getters, proxies) must never escape a decoder.
    return { kind: "malformed", reason: `undecodable row: ${(err as Error)?.message ?? String(err)}` };
  }
}

/** Netmask IpAddress varbind -> prefix length; null when not a contiguous IPv4 mask. */
export function prefixFromMask(vb: RawVarbind | undefined): number | null {
  if (!vb || vb.type !== ASN.IpAddress || typeof vb.value !== "string") return null;
  return maskToPrefix(vb.value);
}

/**
 * ipAddressPrefix RowPointer -> prefix length (its last sub-id); null for zeroDotZero, garbage
 * or a length above maxLength (32 for an IPv4 row, 128 for an IPv6 one).
 */
export function prefixFromRowPointer(vb: RawVarbind | undefined, maxLength: 32 | 128 = 32): number | null {
  if (!vb || vb.type !== ASN.OID || typeof vb.value !== "string") return null;
  if (!/^\d+(\.\d+)+$/.test(vb.value) || vb.value === "0.0") return null;
  const last = Number(vb.value.slice(vb.value.lastIndexOf(".") + 1));
  return Number.isInteger(last) && last >= 0 && last <= maxLength ? last : null;
}
