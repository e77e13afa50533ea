// A real SNMP agent (net-snmp, UDP on 127.0.0.1) acting as one router of a SimSegment: IPv4
// entries in ipNetToMediaTable and ipNetToPhysicalTable, IPv6 ones in ipNetToPhysicalTable only,
// as IP-MIB has it (and as Debian's snmpd serves a Linux kernel's). Its MIB rows are refreshed
// from the segment's live state before each request is processed, so a GARP applied to the
// segment shows on the very next read. A dgram wrapper handed to net-snmp gives us that
// per-request hook, the request count and the "router down" switch.
import dgram from "node:dgram";
import { once } from "node:events";
import snmp from "net-snmp";
import type { SnmpV3User } from "../config/types.js";
import { ipv4ToInt, ipv6ToBytes, isIpv4, isIpv6 } from "../model/net.js";
import { macToOctets } from "../sources/snmp/decode.js";
import {
  ARP_STATE,
  ARP_TYPE,
  IFX_ENTRY,
  IF_ENTRY,
  INET_ADDRESS_IPV4,
  INET_ADDRESS_IPV6,
  IP_ADDRESS_ENTRY,
  IP_ADDRESS_PREFIX_ORIGIN,
  IP_ADDR_ENTRY,
  IP_NET_TO_MEDIA_ENTRY,
  IP_NET_TO_PHYSICAL_ENTRY,
  SYS_DESCR,
  SYS_NAME,
  SYS_OBJECT_ID,
  SYS_UPTIME,
} from "../sources/snmp/oids.js";
import type { SimRouter, SimSegment } from "./segment.js";
import { applySnmpFault, pduInfo } from "./snmp-faults.js";

export interface SnmpAgentOptions {
  /** UDP port on 127.0.0.1; default: a free one picked by the OS. */
  port?: number;
  /** An SNMPv3 user the agent accepts besides the router's community. */
  v3User?: SnmpV3User;
  /** Unrelated dynamic ARP rows (198.18.0.0/15, on their own interface): a big table. */
  backgroundEntries?: number;
  /** Which address tables to serve (discovery); "none" forces the reader's fallback walk. */
  addressTables?: "both" | "ipAddrTable" | "ipAddressTable" | "none";
  /** Which ARP tables to serve. */
  arpTables?: "both" | "ipNetToMedia" | "ipNetToPhysical";
  /**
   * SNMPv3 contexts the agent serves besides the default one, as Cisco's and Juniper's per-VRF
   * contexts: contextName -> the simulated router (of the same segment) whose table it shows.
   */
  contexts?: Record<string, string>;
  /**
   * Mimic Debian's snmpd 5.9.3: when an entry's MAC changes in place, ipNetToPhysicalTable
   * takes only its first byte and keeps the rest of the MAC it first saw (IPv6 rows too), while
   * ipNetToMediaTable follows. net-snmp's netsnmp_access_arp_entry_update copies
   * sizeof(arp_physaddress_len) bytes, and that length is a u_char.
   */
  stalePhysicalTable?: boolean;
}

export interface SimSnmpAgent {
  port: number;
  /** SNMP messages received so far (dropped ones included). */
  requests(): number;
  close(): Promise<void>;
}

const RO = snmp.MaxAccess["read-only"]!;
const NA = snmp.MaxAccess["not-accessible"]!;
const T = snmp.ObjectType;
const MAX_BACKGROUND = 100_000;
const BACKGROUND_BASE = ipv4ToInt("198.18.0.0");

interface Row {
  index: unknown[];
  row: unknown[];
}

interface SimInterface {
  ifIndex: number;
  name: string;
  type: number; // IANAifType: 6 ethernetCsmacd, 24 softwareLoopback
  mac: Buffer;
  /** IPv4 address and prefix length (ipAddrTable, ipAddressTable). */
  address: string;
  prefixLength: number;
  /** IPv6 address and prefix length (ipAddressTable only). */
  address6?: string;
  prefixLength6?: number;
}

function col(number: number, name: string, type: number, maxAccess = RO): snmp.TableColumn {
  return { number, name, type, maxAccess };
}

function table(name: string, oid: string, columns: snmp.TableColumn[], index: snmp.IndexEntry[]): snmp.TableProvider {
  return { name, type: snmp.MibProviderType.Table, oid, maxAccess: NA, tableColumns: columns, tableIndex: index };
}

function scalar(name: string, oid: string, scalarType: number): snmp.ScalarProvider {
  return { name, type: snmp.MibProviderType.Scalar, oid, scalarType, maxAccess: RO };
}

/** The InetAddress of an IPv4 or IPv6 address: its type and 4 or 16 octets. */
function inetAddress(ip: string): { type: number; bytes: Buffer } {
  return isIpv4(ip)
    ? { type: INET_ADDRESS_IPV4, bytes: Buffer.from(ip.split(".").map(Number)) }
    : { type: INET_ADDRESS_IPV6, bytes: Buffer.from(ipv6ToBytes(ip)!) };
}

/** The first prefixLength bits of the bytes, the rest zero. */
function maskBytes(bytes: Buffer, prefixLength: number): Buffer {
  return Buffer.from(bytes.map((b, i) => (prefixLength >= 8 * (i + 1) ? b : prefixLength <= 8 * i ? 0 : b & (0xff << (8 - (prefixLength - 8 * i))))));
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

function maskOf(prefixLength: number): string {
  return intToIpv4(prefixLength === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefixLength));
}

/** An ipAddressTable row: index addrType.addr; ipAddressPrefix points into ipAddressPrefixTable (ifIndex.type.len.prefix.length). */
function ipAddressRow(ifIndex: number, ip: string, prefixLength: number): Row {
  const { type, bytes } = inetAddress(ip);
  const prefix = `${IP_ADDRESS_PREFIX_ORIGIN}.${ifIndex}.${type}.${bytes.length}.${[...maskBytes(bytes, prefixLength)].join(".")}.${prefixLength}`;
  // unicast(1), manual(2), preferred(1)
  return { index: [type, bytes], row: [type, bytes, ifIndex, 1, prefix, 2, 1] };
}

/** Keeps one table's rows equal to a desired set, touching only rows that changed. */
class SyncedTable {
  private rows = new Map<string, { index: unknown[]; sig: string }>();
  constructor(
    private readonly mib: snmp.Mib,
    private readonly name: string,
  ) {}

  sync(desired: Row[]): void {
    const next = new Map<string, { index: unknown[]; sig: string; row: unknown[] }>();
    for (const d of desired) next.set(JSON.stringify(d.index), { index: d.index, row: d.row, sig: JSON.stringify(d.row) });
    for (const [key, cur] of this.rows) {
      if (!next.has(key)) this.mib.deleteTableRow(this.name, cur.index);
    }
    for (const [key, n] of next) {
      if (this.rows.get(key)?.sig !== n.sig) this.mib.addTableRow(this.name, n.row);
    }
    this.rows = new Map([...next].map(([k, v]) => [k, { index: v.index, sig: v.sig }]));
  }
}

function registerProviders(mib: snmp.Mib): void {
  mib.registerProvider(scalar("sysDescr", SYS_DESCR, T.OctetString!));
  mib.registerProvider(scalar("sysObjectID", SYS_OBJECT_ID, T.OID!));
  mib.registerProvider(scalar("sysUpTime", SYS_UPTIME, T.TimeTicks!));
  mib.registerProvider(scalar("sysName", SYS_NAME, T.OctetString!));
  mib.registerProvider(
    table(
      "ifTable",
      IF_ENTRY,
      [
        col(1, "ifIndex", T.Integer!),
        col(2, "ifDescr", T.OctetString!),
        col(3, "ifType", T.Integer!),
        col(6, "ifPhysAddress", T.OctetString!),
        col(7, "ifAdminStatus", T.Integer!),
        col(8, "ifOperStatus", T.Integer!),
      ],
      [{ columnName: "ifIndex" }],
    ),
  );
  mib.registerProvider(
    table("ifXTable", IFX_ENTRY, [col(1, "ifName", T.OctetString!)], [{ columnName: "ifIndex", foreign: "ifTable" }]),
  );
  mib.registerProvider(
    table(
      "ipAddrTable",
      IP_ADDR_ENTRY,
      [
        col(1, "ipAdEntAddr", T.IpAddress!),
        col(2, "ipAdEntIfIndex", T.Integer!),
        col(3, "ipAdEntNetMask", T.IpAddress!),
        col(4, "ipAdEntBcastAddr", T.Integer!),
      ],
      [{ columnName: "ipAdEntAddr" }],
    ),
  );
  mib.registerProvider(
    table(
      "ipAddressTable",
      IP_ADDRESS_ENTRY,
      [
        col(1, "ipAddressAddrType", T.Integer!, NA),
        col(2, "ipAddressAddr", T.OctetString!, NA),
        col(3, "ipAddressIfIndex", T.Integer!),
        col(4, "ipAddressType", T.Integer!),
        col(5, "ipAddressPrefix", T.OID!),
        col(6, "ipAddressOrigin", T.Integer!),
        col(7, "ipAddressStatus", T.Integer!),
      ],
      [{ columnName: "ipAddressAddrType" }, { columnName: "ipAddressAddr" }],
    ),
  );
  mib.registerProvider(
    table(
      "ipNetToMediaTable",
      IP_NET_TO_MEDIA_ENTRY,
      [
        col(1, "ipNetToMediaIfIndex", T.Integer!),
        col(2, "ipNetToMediaPhysAddress", T.OctetString!),
        col(3, "ipNetToMediaNetAddress", T.IpAddress!),
        col(4, "ipNetToMediaType", T.Integer!),
      ],
      [{ columnName: "ipNetToMediaIfIndex" }, { columnName: "ipNetToMediaNetAddress" }],
    ),
  );
  mib.registerProvider(
    table(
      "ipNetToPhysicalTable",
      IP_NET_TO_PHYSICAL_ENTRY,
      [
        col(1, "ipNetToPhysicalIfIndex", T.Integer!, NA),
        col(2, "ipNetToPhysicalNetAddressType", T.Integer!, NA),
        col(3, "ipNetToPhysicalNetAddress", T.OctetString!, NA),
        col(4, "ipNetToPhysicalPhysAddress", T.OctetString!),
        col(5, "ipNetToPhysicalLastUpdated", T.TimeTicks!),
        col(6, "ipNetToPhysicalType", T.Integer!),
        col(7, "ipNetToPhysicalState", T.Integer!),
        col(8, "ipNetToPhysicalRowStatus", T.Integer!),
      ],
      [
        { columnName: "ipNetToPhysicalIfIndex" },
        { columnName: "ipNetToPhysicalNetAddressType" },
        { columnName: "ipNetToPhysicalNetAddress" },
      ],
    ),
  );
}

function mediaRow(ifIndex: number, ip: string, mac: Buffer, type: number): Row {
  return { index: [ifIndex, ip], row: [ifIndex, mac, ip, type] };
}

function physicalRow(ifIndex: number, ip: string, mac: Buffer, type: number, ticks: number): Row {
  const addr = inetAddress(ip);
  return {
    index: [ifIndex, addr.type, addr.bytes],
    row: [ifIndex, addr.type, addr.bytes, mac, ticks, type, ARP_STATE.reachable, 1],
  };
}

export async function startSnmpAgent(
  segment: SimSegment,
  routerName: string,
  opts: SnmpAgentOptions = {},
): Promise<SimSnmpAgent> {
  const router = segment.router(routerName); // fails early on a wrong name
  const addressTables = opts.addressTables ?? "both";
  const arpTables = opts.arpTables ?? "both";
  const background = Math.min(Math.max(0, Math.floor(opts.backgroundEntries ?? 0)), MAX_BACKGROUND);
  const started = Date.now();
  const ticks = () => Math.floor((Date.now() - started) / 10);
  let count = 0;
  let socket: dgram.Socket | null = null;
  /** Request id -> PDU tag, so a fault knows whether it rewrites a GET's answer. */
  const requestTags = new Map<string, number>();
  const fault = () => segment.routers.get(routerName)?.fault ?? "none";

  // net-snmp binds port 161 when given 0, so we bind the socket ourselves, on 127.0.0.1 only.
  const dgramModule: snmp.DgramModule = {
    createSocket(type) {
      const sock = dgram.createSocket(type);
      const realOn = sock.on.bind(sock) as (event: string, listener: (...args: unknown[]) => void) => dgram.Socket;
      (sock as unknown as { on: typeof realOn }).on = (event, listener) => {
        if (event !== "message") return realOn(event, listener);
        return realOn("message", (...args: unknown[]) => {
          count++;
          if (!up() || fault() === "silent") return; // router down: drop, the manager times out
          const info = Buffer.isBuffer(args[0]) ? pduInfo(args[0]) : null;
          if (info) {
            if (requestTags.size > 10_000) requestTags.clear(); // requests never answered (bad community)
            requestTags.set(info.id, info.tag);
          }
          try {
            refresh();
          } catch {
            // A segment state the MIB cannot hold: serve the last good rows rather than crash.
          }
          listener(...args);
        });
      };
      // Responses pass through the router's fault (src/sim/snmp-faults.ts) on their way out.
      const realSend = sock.send.bind(sock) as (...a: unknown[]) => void;
      (sock as unknown as { send: (...a: unknown[]) => void }).send = (buf: unknown, ...rest: unknown[]) => {
        const f = fault();
        if (!Buffer.isBuffer(buf) || f === "none") return realSend(buf, ...rest);
        const info = pduInfo(buf);
        const tag = info ? (requestTags.get(info.id) ?? null) : null;
        if (info) requestTags.delete(info.id);
        const out = applySnmpFault(f, buf, tag);
        // Keep net-snmp's (buf, offset, length, port, address, cb) shape with the new length.
        const args = rest.length >= 5 ? [0, out.length, ...rest.slice(2)] : rest;
        const send = () => {
          try {
            realSend(out, ...args);
          } catch {
            // closed while a slow answer was pending
          }
        };
        if (f === "slow") setTimeout(send, segment.routers.get(routerName)?.slowMs ?? 1500).unref();
        else send();
      };
      const realBind = sock.bind.bind(sock) as (port: number, address: string) => dgram.Socket;
      (sock as unknown as { bind: () => dgram.Socket }).bind = () => realBind(opts.port ?? 0, "127.0.0.1");
      socket = sock;
      return sock;
    },
  };

  const agent = snmp.createAgent(
    { port: opts.port ?? 161, address: "127.0.0.1", transport: "udp4", dgramModule },
    () => {
      // Authorization failures and undecodable packets land here: a real router stays silent.
    },
  );
  const sock = socket as dgram.Socket | null;
  if (!sock) throw new Error("net-snmp did not create its socket through our dgram module");
  try {
    await once(sock, "listening");
  } catch (err) {
    sock.close();
    throw new Error(`simulated SNMP agent for "${routerName}" could not listen on 127.0.0.1:${opts.port ?? 0}: ${(err as Error).message}`);
  }
  const mib = agent.getMib();
  const authorizer = agent.getAuthorizer();
  registerProviders(mib);
  if (opts.v3User) {
    const u = opts.v3User;
    authorizer.addUser({
      name: u.user,
      level: snmp.SecurityLevel[u.level]!,
      authProtocol: snmp.AuthProtocols[u.authProtocol],
      authKey: u.authKey,
      privProtocol: snmp.PrivProtocols[u.privProtocol],
      privKey: u.privKey,
    });
  }
  const benchIfIndex = router.ifIndex === 1000 ? 1001 : 1000;
  const servesMedia = arpTables !== "ipNetToPhysical";
  const servesPhysical = arpTables !== "ipNetToMedia";

  function interfaces(r: SimRouter, withBackground: boolean): SimInterface[] {
    const list: SimInterface[] = [];
    if (r.ifIndex !== 1) {
      list.push({ ifIndex: 1, name: "lo", type: 24, mac: Buffer.alloc(0), address: "127.0.0.1", prefixLength: 8 });
    }
    list.push({
      ifIndex: r.ifIndex,
      name: r.ifName,
      type: 6,
      mac: Buffer.from([0x02, 0x53, 0, 0, (r.ifIndex >>> 8) & 0xff, r.ifIndex & 0xff]),
      address: r.address,
      prefixLength: r.prefixLength,
      ...(r.address6 && isIpv6(r.address6) ? { address6: r.address6, prefixLength6: r.prefixLength6 ?? 64 } : {}),
    });
    if (withBackground && background > 0) {
      list.push({
        ifIndex: benchIfIndex,
        name: "bench0",
        type: 6,
        mac: Buffer.from([0x02, 0x53, 0, 0, 0xff, 0xff]),
        address: "198.18.255.254",
        prefixLength: 15,
      });
    }
    return list.filter((i) => isIpv4(i.address));
  }

  /** A MIB showing router `name`'s live state: returns the function that mirrors it, touching only what changed. */
  function mirror(m: snmp.Mib, name: string, withBackground: boolean): () => void {
    m.setScalarValue("sysDescr", `vip-arp-exporter simulated router ${name}`);
    m.setScalarValue("sysObjectID", "1.3.6.1.4.1.8072.3.2.10");
    m.setScalarValue("sysName", name);
    const ifTable = new SyncedTable(m, "ifTable");
    const ifXTable = new SyncedTable(m, "ifXTable");
    const ipAddrTable = new SyncedTable(m, "ipAddrTable");
    const ipAddressTable = new SyncedTable(m, "ipAddressTable");
    const mediaTable = new SyncedTable(m, "ipNetToMediaTable");
    const physicalTable = new SyncedTable(m, "ipNetToPhysicalTable");
    /** What the physical table shows per address when it mimics snmpd 5.9.3. */
    const shownMacs = new Map<string, Buffer>();

    // Background rows never change: added once, outside the synced sets.
    if (withBackground && background > 0) {
      const avoid = new Set([...segment.vips, ...router.entries.keys()]);
      let added = 0;
      for (let n = BACKGROUND_BASE + 1; added < background; n++) {
        const ip = intToIpv4(n);
        if (avoid.has(ip)) continue;
        const mac = Buffer.from([0x02, 0x42, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
        if (servesMedia) m.addTableRow("ipNetToMediaTable", mediaRow(benchIfIndex, ip, mac, ARP_TYPE.dynamic).row);
        if (servesPhysical) {
          m.addTableRow("ipNetToPhysicalTable", physicalRow(benchIfIndex, ip, mac, ARP_TYPE.dynamic, 0).row);
        }
        added++;
      }
    }

    return () => {
      const r = segment.router(name);
      m.setScalarValue("sysUpTime", ticks());
      const ifs = interfaces(r, withBackground);
      ifTable.sync(ifs.map((i) => ({ index: [i.ifIndex], row: [i.ifIndex, i.name, i.type, i.mac, 1, 1] })));
      ifXTable.sync(ifs.map((i) => ({ index: [i.ifIndex], row: [i.ifIndex, i.name] })));
      ipAddrTable.sync(
        addressTables === "both" || addressTables === "ipAddrTable"
          ? ifs.map((i) => ({ index: [i.address], row: [i.address, i.ifIndex, maskOf(i.prefixLength), 1] }))
          : [],
      );
      // IPv6 addresses are listed here only (ipAddrTable is IPv4's), whichever tables are served.
      const addressRows = ifs.map((i) => ipAddressRow(i.ifIndex, i.address, i.prefixLength));
      const address6Rows = ifs.flatMap((i) => (i.address6 ? [ipAddressRow(i.ifIndex, i.address6, i.prefixLength6 ?? 64)] : []));
      ipAddressTable.sync(addressTables === "both" || addressTables === "ipAddressTable" ? [...addressRows, ...address6Rows] : []);

      const media: Row[] = [];
      const physical: Row[] = [];
      for (const [ip, e] of r.entries) {
        const mac = macToOctets(e.mac);
        if (!(isIpv4(ip) || isIpv6(ip)) || !mac) continue;
        const type = e.static ? ARP_TYPE.static : ARP_TYPE.dynamic;
        if (isIpv4(ip)) media.push(mediaRow(r.ifIndex, ip, mac, type));
        const seen = shownMacs.get(ip);
        const shown = seen ? Buffer.concat([mac.subarray(0, 1), seen.subarray(1)]) : mac;
        shownMacs.set(ip, shown);
        physical.push(physicalRow(r.ifIndex, ip, opts.stalePhysicalTable ? shown : mac, type, 0));
      }
      mediaTable.sync(servesMedia ? media : []);
      physicalTable.sync(servesPhysical ? physical : []);
    };
  }

  const mirrors = [mirror(mib, routerName, true)];
  const contextMibs = new Map<string, snmp.Mib>();
  for (const [context, other] of Object.entries(opts.contexts ?? {})) {
    segment.router(other); // fails early on a wrong name
    const m = snmp.createMib();
    registerProviders(m);
    mirrors.push(mirror(m, other, false));
    contextMibs.set(context, m);
  }
  if (contextMibs.size > 0) serveContexts(agent, contextMibs);

  function up(): boolean {
    return segment.routers.get(routerName)?.up ?? false;
  }

  /** Mirrors the segment's live state into the MIBs, touching only what changed. */
  function refresh(): void {
    const r = segment.router(routerName);
    if (!authorizer.getCommunities().includes(r.community)) {
      for (const c of [...authorizer.getCommunities()]) authorizer.deleteCommunity(c);
      authorizer.addCommunity(r.community);
    }
    for (const m of mirrors) m();
  }

  const port = sock.address().port;
  let closing: Promise<void> | null = null;
  return {
    port,
    requests: () => count,
    close() {
      closing ??= (async () => {
        const closed = once(sock, "close");
        agent.close();
        await closed;
      })();
      return closing;
    },
  };
}

/** The parts of net-snmp's Agent that serving a context needs (not in its public API). */
interface AgentInternals {
  mib: snmp.Mib;
  onProxyRequest(socket: unknown, message: { pdu: { type: number; contextName?: string } }, rinfo: unknown): void;
  getRequest(socket: unknown, message: unknown, rinfo: unknown): void;
  getNextRequest(socket: unknown, message: unknown, rinfo: unknown): void;
  getBulkRequest(socket: unknown, message: unknown, rinfo: unknown): void;
}

/**
 * net-snmp's agent hands every request with a contextName to its proxy forwarder; this one
 * answers it from that context's MIB instead, as a router with per-VRF contexts does. A context
 * it does not have gets no answer (net-snmp's behaviour; a real agent sends a report).
 */
function serveContexts(agent: snmp.Agent, mibs: Map<string, snmp.Mib>): void {
  const a = agent as unknown as AgentInternals;
  a.onProxyRequest = (socket, message, rinfo) => {
    const m = mibs.get(message.pdu.contextName ?? "");
    if (!m) return;
    const own = a.mib;
    a.mib = m;
    try {
      // Requests on scalars and tables without handlers complete synchronously: the response is sent before the MIB is swapped back.
      if (message.pdu.type === snmp.PduType.GetRequest) a.getRequest(socket, message, rinfo);
      else if (message.pdu.type === snmp.PduType.GetNextRequest) a.getNextRequest(socket, message, rinfo);
      else if (message.pdu.type === snmp.PduType.GetBulkRequest) a.getBulkRequest(socket, message, rinfo);
    } finally {
      a.mib = own;
    }
  };
}
