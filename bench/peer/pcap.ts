// Reading what tcpdump -w wrote on the router's leg (pure): the classic pcap format, Ethernet
// frames, IPv4 with UDP or TCP. Only headers are needed (tcpdump -s 128): times, addresses,
// ports and lengths. Per window of time: how many SNMP requests and answers crossed the leg,
// their bytes, and how long the agent took to answer (request -> answer), so a read's time
// splits into the agent's share and the client's share.

export interface Packet {
  /** Capture time, microseconds since the epoch. */
  tsUs: number;
  src: string;
  dst: string;
  proto: "udp" | "tcp";
  sport: number;
  dport: number;
  /** IPv4 total length: the bytes of the datagram on the wire, headers included. */
  ipBytes: number;
  /** UDP or TCP payload bytes. */
  payload: number;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_VLAN = 0x8100;
const LINKTYPE_ETHERNET = 1;

function ipv4(buf: Buffer, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

/** Packets of a pcap file (IPv4 UDP/TCP over Ethernet; anything else is skipped). */
export function parsePcap(buf: Buffer): Packet[] {
  if (buf.length < 24) throw new Error(`not a pcap file: ${buf.length} bytes, the header alone has 24`);
  const magic = buf.readUInt32LE(0);
  let le: boolean;
  let nano: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    le = true;
    nano = magic === 0xa1b23c4d;
  } else if (buf.readUInt32BE(0) === 0xa1b2c3d4 || buf.readUInt32BE(0) === 0xa1b23c4d) {
    le = false;
    nano = buf.readUInt32BE(0) === 0xa1b23c4d;
  } else throw new Error(`not a pcap file (magic 0x${magic.toString(16)}); pcapng is not read here: run tcpdump with -w`);
  const u32 = (at: number): number => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const linkType = u32(20);
  if (linkType !== LINKTYPE_ETHERNET) throw new Error(`pcap link type ${linkType} is not Ethernet (1): capture on eth0, not "any"`);
  const out: Packet[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    const data = off + 16;
    off = data + incl;
    if (off > buf.length) break; // a record cut short by a stopped capture
    let eth = data + 12;
    let type = buf.readUInt16BE(eth);
    if (type === ETHERTYPE_VLAN) {
      eth += 4;
      type = buf.readUInt16BE(eth);
    }
    if (type !== ETHERTYPE_IPV4) continue;
    const ip = eth + 2;
    if (ip + 20 > off || buf[ip]! >> 4 !== 4) continue;
    const ihl = (buf[ip]! & 0x0f) * 4;
    const total = buf.readUInt16BE(ip + 2);
    const protoNum = buf[ip + 9];
    const l4 = ip + ihl;
    if ((protoNum !== 6 && protoNum !== 17) || l4 + 4 > off) continue;
    let payload: number;
    if (protoNum === 17) payload = total - ihl - 8;
    else {
      if (l4 + 13 > off) continue;
      payload = total - ihl - (buf[l4 + 12]! >> 4) * 4;
    }
    out.push({
      tsUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac),
      src: ipv4(buf, ip + 12),
      dst: ipv4(buf, ip + 16),
      proto: protoNum === 17 ? "udp" : "tcp",
      sport: buf.readUInt16BE(l4),
      dport: buf.readUInt16BE(l4 + 2),
      ipBytes: total,
      payload,
    });
  }
  return out;
}

export interface Window {
  fromUs: number;
  toUs: number;
}

export function inWindow(packets: readonly Packet[], w: Window): Packet[] {
  return packets.filter((p) => p.tsUs >= w.fromUs && p.tsUs <= w.toUs);
}

export interface UdpExchange {
  /** Datagrams to the server (requests) and from it (answers). */
  requests: number;
  answers: number;
  bytesToServer: number;
  bytesFromServer: number;
  /**
   * Time the client waited for the server: from a request with none outstanding to the
   * server's next datagram, summed. A retransmission while waiting adds no time, so this never
   * exceeds the read's wall time (the clients here send one request at a time).
   */
  serverMs: number;
}

/** SNMP (or any request/answer UDP service) seen from the server at address:port. */
export function udpExchange(packets: readonly Packet[], server: string, port: number): UdpExchange {
  const r: UdpExchange = { requests: 0, answers: 0, bytesToServer: 0, bytesFromServer: 0, serverMs: 0 };
  let waitingSince: number | null = null;
  for (const p of packets) {
    if (p.proto !== "udp") continue;
    if (p.dst === server && p.dport === port) {
      r.requests++;
      r.bytesToServer += p.ipBytes;
      waitingSince ??= p.tsUs;
    } else if (p.src === server && p.sport === port) {
      r.answers++;
      r.bytesFromServer += p.ipBytes;
      if (waitingSince !== null) r.serverMs += (p.tsUs - waitingSince) / 1000;
      waitingSince = null;
    }
  }
  return r;
}

export interface TcpTraffic {
  packetsToServer: number;
  packetsFromServer: number;
  bytesToServer: number;
  bytesFromServer: number;
  /** TCP payload bytes from the server (SSH: the encrypted command output and protocol). */
  payloadFromServer: number;
}

export function tcpTraffic(packets: readonly Packet[], server: string, port: number): TcpTraffic {
  const r: TcpTraffic = { packetsToServer: 0, packetsFromServer: 0, bytesToServer: 0, bytesFromServer: 0, payloadFromServer: 0 };
  for (const p of packets) {
    if (p.proto !== "tcp") continue;
    if (p.dst === server && p.dport === port) {
      r.packetsToServer++;
      r.bytesToServer += p.ipBytes;
    } else if (p.src === server && p.sport === port) {
      r.packetsFromServer++;
      r.bytesFromServer += p.ipBytes;
      r.payloadFromServer += p.payload;
    }
  }
  return r;
}
