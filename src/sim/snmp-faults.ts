// Misbehaving SNMP agents, for the simulated router: the real net-snmp agent builds each
// response, then a fault rewrites it the way broken or restricted agents answer in the field
// (Debian's stock `systemonly` view, wrong value types, MACs of the wrong size, answers to
// other OIDs or request ids). Only SNMPv2c messages are rewritten; a TLV codec this small is
// all a rewrite needs, and it never builds a message from scratch.
import { IP_NET_TO_MEDIA_ENTRY, IP_NET_TO_PHYSICAL_ENTRY, MEDIA_COL, PHYSICAL_COL } from "../sources/snmp/oids.js";

export const SNMP_FAULTS = [
  "none",
  /** Debian's stock snmpd.conf: only the system group (and hrSystem) is in the community's view. */
  "restricted-view",
  /** Every varbind of a GET response is endOfMibView (RFC 3416 allows it only for GETNEXT/GETBULK). */
  "end-of-mib-view",
  /** ARP physAddress values come as INTEGER. */
  "phys-as-integer",
  /** ARP type values come as OCTET STRING. */
  "type-as-octets",
  /** ARP physAddress values are 5 bytes. */
  "short-mac",
  /** ARP physAddress values are 20 bytes. */
  "long-mac",
  /** ARP physAddress values are the MAC as text ("00:1a:4a:48:be:4b"). */
  "text-mac",
  /** Only the first ARP row of each GET response has a 5-byte physAddress. */
  "one-bad-row",
  /** GET responses name other OIDs than the ones asked. */
  "other-oids",
  /** Responses carry another request id (a manager drops them: it looks like silence). */
  "wrong-request-id",
  /** No response at all. */
  "silent",
  /** Responses leave after SimRouter.slowMs. */
  "slow",
] as const;
export type SnmpFault = (typeof SNMP_FAULTS)[number];

interface Tlv {
  tag: number;
  content: Buffer;
  children?: Tlv[];
}

const CONSTRUCTED = (tag: number): boolean => tag === 0x30 || (tag >= 0xa0 && tag <= 0xa8);

function readTlv(buf: Buffer, at: number): { tlv: Tlv; next: number } {
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let off = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4) throw new Error("unsupported BER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off + i]!;
    off += n;
  }
  if (off + len > buf.length) throw new Error("truncated BER");
  const content = buf.subarray(off, off + len);
  const tlv: Tlv = { tag, content };
  if (CONSTRUCTED(tag)) {
    tlv.children = [];
    for (let p = 0; p < content.length; ) {
      const r = readTlv(content, p);
      tlv.children.push(r.tlv);
      p = r.next;
    }
  }
  return { tlv, next: off + len };
}

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function encodeTlv(t: Tlv): Buffer {
  const content = t.children ? Buffer.concat(t.children.map(encodeTlv)) : t.content;
  return Buffer.concat([Buffer.from([t.tag]), encodeLength(content.length), content]);
}

function decodeOid(content: Buffer): string {
  const ids: number[] = [];
  let v = 0;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (ids.length === 0) ids.push(Math.min(2, Math.floor(v / 40)), v - Math.min(2, Math.floor(v / 40)) * 40);
      else ids.push(v);
      v = 0;
    }
  }
  return ids.join(".");
}

const prim = (tag: number, content: Buffer | number[] | string): Tlv => ({
  tag,
  content: Buffer.isBuffer(content) ? content : typeof content === "string" ? Buffer.from(content) : Buffer.from(content),
});

const TAG = { int: 0x02, octets: 0x04, oid: 0x06, noSuchObject: 0x80, endOfMibView: 0x82, get: 0xa0, response: 0xa2 } as const;

/** Subtrees Debian's stock `view systemonly` includes. */
const SYSTEM_VIEW = ["1.3.6.1.2.1.1", "1.3.6.1.2.1.25.1"];
const inSubtree = (oid: string, root: string): boolean => oid === root || oid.startsWith(`${root}.`);
const PHYS_COLUMNS = [`${IP_NET_TO_MEDIA_ENTRY}.${MEDIA_COL.physAddress}`, `${IP_NET_TO_PHYSICAL_ENTRY}.${PHYSICAL_COL.physAddress}`];
const TYPE_COLUMNS = [`${IP_NET_TO_MEDIA_ENTRY}.${MEDIA_COL.type}`, `${IP_NET_TO_PHYSICAL_ENTRY}.${PHYSICAL_COL.type}`];

/** A v1/v2c message's PDU tag (0xa0 GET, 0xa1 GETNEXT, 0xa5 GETBULK, 0xa2 response) and request id. */
export function pduInfo(message: Buffer): { tag: number; id: string } | null {
  try {
    const pdu = readTlv(message, 0).tlv.children?.[2];
    const id = pdu?.children?.[0];
    return pdu && id ? { tag: pdu.tag, id: id.content.toString("hex") } : null;
  } catch {
    return null;
  }
}

/**
 * The response as the faulty agent sends it; `requestTag` is the PDU tag of the request it
 * answers. Anything that is not a v2c response passes unchanged.
 */
export function applySnmpFault(fault: SnmpFault, response: Buffer, requestTag: number | null): Buffer {
  if (fault === "none" || fault === "silent" || fault === "slow") return response;
  let msg: Tlv;
  try {
    msg = readTlv(response, 0).tlv;
  } catch {
    return response;
  }
  const [version, , pdu] = msg.children ?? [];
  if (!version || version.content[0] !== 1 || !pdu || pdu.tag !== TAG.response || pdu.children?.length !== 4) return response;
  const varbinds = pdu.children[3]!.children ?? [];
  const isGet = requestTag === TAG.get;

  if (fault === "wrong-request-id") {
    const id = Buffer.from(pdu.children[0]!.content);
    id[id.length - 1] = id[id.length - 1]! ^ 0x55;
    pdu.children[0] = prim(TAG.int, id);
    return encodeTlv(msg);
  }
  let firstPhysDone = false;
  for (const vb of varbinds) {
    const [oidTlv, value] = vb.children ?? [];
    if (!oidTlv || !value) continue;
    const oid = decodeOid(oidTlv.content);
    const phys = PHYS_COLUMNS.some((c) => inSubtree(oid, c));
    const type = TYPE_COLUMNS.some((c) => inSubtree(oid, c));
    const exceptional = value.tag >= 0x80;
    switch (fault) {
      case "restricted-view":
        if (!SYSTEM_VIEW.some((root) => inSubtree(oid, root))) vb.children![1] = prim(isGet ? TAG.noSuchObject : TAG.endOfMibView, []);
        break;
      case "end-of-mib-view":
        if (isGet) vb.children![1] = prim(TAG.endOfMibView, []);
        break;
      case "other-oids":
        if (isGet) vb.children![0] = prim(TAG.oid, Buffer.concat([oidTlv.content, Buffer.from([1])]));
        break;
      case "phys-as-integer":
        if (phys && !exceptional) vb.children![1] = prim(TAG.int, [42]);
        break;
      case "type-as-octets":
        if (type && !exceptional) vb.children![1] = prim(TAG.octets, "dynamic");
        break;
      case "short-mac":
      case "long-mac":
      case "text-mac":
      case "one-bad-row": {
        if (!phys || exceptional || value.tag !== TAG.octets) break;
        if (fault === "one-bad-row" && (!isGet || firstPhysDone)) break;
        firstPhysDone = true;
        const mac = value.content;
        const bad =
          fault === "long-mac"
            ? Buffer.concat([mac, Buffer.alloc(14, 0xab)])
            : fault === "text-mac"
              ? Buffer.from([...mac].map((b) => b.toString(16).padStart(2, "0")).join(":"))
              : mac.subarray(0, 5);
        vb.children![1] = prim(TAG.octets, bad);
        break;
      }
    }
  }
  return encodeTlv(msg);
}
