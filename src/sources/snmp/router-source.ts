// Router ARP entries for the VIPs over SNMP (IP-MIB). The cost of a read does not depend on
// the size of the router's ARP table: after a one-time discovery (which interface faces each
// VIP, which table to read) one GET fetches exactly the VIP rows. Walking the table is the
// fallback for VIPs that discovery cannot place.
import type { SnmpRouterConfig } from "../../config/types.js";
import type { Logger } from "../../log.js";
import type { ArpEntry, RouterReading } from "../../model/types.js";
import { isIpv4 } from "../../model/net.js";
import type { RouterSource } from "../types.js";
import { arpRowIndex, decodeArpRow, parseArpRowIndex, type RawVarbind } from "./decode.js";
import { chooseArpTable, interfaceFor, readInterfaceAddresses, type AddressDiscovery } from "./discovery.js";
import { MEDIA_COL, PHYSICAL_COL, arpEntryOid, oidSuffix, type ArpTable } from "./oids.js";
import { createSnmpClient, type SnmpClient } from "./session.js";

export interface SnmpRouterSourceOptions {
  /**
   * Minimum age of the discovery before a GET miss (or an unplaced VIP) triggers another
   * one. Keeps a VIP that is simply absent from costing a discovery on every read.
   */
  rediscoverIntervalMs?: number;
  /** VIP rows per GET request (3 varbinds each): keeps responses well under one datagram. */
  rowsPerGet?: number;
  /** Injected client (tests); by default one net-snmp session built from cfg. */
  client?: SnmpClient;
}

interface Discovery extends AddressDiscovery {
  table: ArpTable;
  at: number;
}

interface RowRef {
  vip: string;
  ifIndex: number;
}

export const DEFAULT_REDISCOVER_INTERVAL_MS = 60_000;

function columnsOf(table: ArpTable): number[] {
  return table === "ipNetToMedia"
    ? [MEDIA_COL.physAddress, MEDIA_COL.type]
    : [PHYSICAL_COL.physAddress, PHYSICAL_COL.type, PHYSICAL_COL.state];
}

export function createSnmpRouterSource(
  cfg: SnmpRouterConfig,
  log: Logger,
  opts: SnmpRouterSourceOptions = {},
): RouterSource {
  const client = opts.client ?? createSnmpClient(cfg, log);
  const rediscoverIntervalMs = opts.rediscoverIntervalMs ?? DEFAULT_REDISCOVER_INTERVAL_MS;
  const rowsPerGet = Math.max(1, opts.rowsPerGet ?? 10);
  let discovery: Discovery | null = null;
  let inflight: Promise<Discovery> | null = null;
  let warnedWalk = false;
  let closed = false;

  function discover(force: boolean): Promise<Discovery> {
    if (!force && discovery) return Promise.resolve(discovery);
    // Concurrent reads share one discovery.
    inflight ??= (async () => {
      try {
        const table = await chooseArpTable(client, cfg.table);
        const found = await readInterfaceAddresses(client, log);
        discovery = { ...found, table, at: Date.now() };
        log.debug(
          { table, source: found.source, addresses: found.addresses },
          "SNMP discovery done",
        );
        return discovery;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  }

  /** GETs the rows; stores complete entries in `out` and returns the VIPs whose rows are missing. */
  async function getRows(table: ArpTable, rows: RowRef[], out: Map<string, ArpEntry>): Promise<string[]> {
    const entryOid = arpEntryOid(table);
    const cols = columnsOf(table);
    const missed: string[] = [];
    for (let i = 0; i < rows.length; i += rowsPerGet) {
      const chunk = rows.slice(i, i + rowsPerGet);
      const oids = chunk.flatMap((r) => {
        const index = arpRowIndex(table, r.ifIndex, r.vip).join(".");
        return cols.map((c) => `${entryOid}.${c}.${index}`);
      });
      const vbs = await client.get(oids);
      chunk.forEach((r, k) => {
        // Positional, but only trusted when the agent echoes the OID we asked for.
        const at = (j: number): RawVarbind | undefined => {
          const vb = vbs[k * cols.length + j];
          return vb && typeof vb === "object" && vb.oid === oids[k * cols.length + j] ? vb : undefined;
        };
        const result = decodeArpRow(table, r.vip, r.ifIndex, {
          physAddress: at(0),
          type: at(1),
          state: table === "ipNetToPhysical" ? at(2) : undefined,
        });
        switch (result.kind) {
          case "entry":
            if (!out.has(r.vip)) out.set(r.vip, result.entry);
            break;
          case "missing":
            missed.push(r.vip);
            break;
          case "absent":
            log.debug({ vip: r.vip, ifIndex: r.ifIndex, table, reason: result.reason }, "ARP entry not complete");
            break;
          case "malformed":
            log.debug({ vip: r.vip, ifIndex: r.ifIndex, table, reason: result.reason }, "malformed ARP row ignored");
            break;
        }
      });
    }
    return missed;
  }

  /** Fallback: walk one column to find the VIP rows, then GET them. Cost grows with the table. */
  async function readByWalk(table: ArpTable, vips: string[], out: Map<string, ArpEntry>): Promise<void> {
    const logFn = warnedWalk ? log.debug.bind(log) : log.warn.bind(log);
    warnedWalk = true;
    logFn(
      { vips, table },
      "no router interface found for these VIPs in ipAddrTable/ipAddressTable: walking the ARP table instead (cost grows with its size)",
    );
    const column = `${arpEntryOid(table)}.${columnsOf(table)[0]}`;
    const want = new Set(vips);
    const rows: RowRef[] = [];
    for (const vb of await client.walkColumn(column)) {
      const idx = parseArpRowIndex(table, oidSuffix(vb.oid, column) ?? []);
      if (idx && want.has(idx.ip)) rows.push({ vip: idx.ip, ifIndex: idx.ifIndex });
    }
    if (rows.length > 0) await getRows(table, rows, out);
  }

  async function read(vips: string[]): Promise<RouterReading> {
    if (closed) throw new Error(`SNMP source for router "${cfg.name}" is closed`);
    const wanted = [...new Set(vips)].filter((v) => {
      if (isIpv4(v)) return true;
      log.debug({ vip: v }, "only IPv4 VIPs are read over SNMP; skipped");
      return false;
    });
    const out = new Map<string, ArpEntry>();
    if (wanted.length === 0) return { router: cfg.name, entries: [] };

    let d = await discover(false);
    const place = (vips: string[], disc: Discovery) => {
      const placed: RowRef[] = [];
      const unplaced: string[] = [];
      for (const vip of vips) {
        const ifIndex = interfaceFor(vip, disc.addresses);
        if (ifIndex === null) unplaced.push(vip);
        else placed.push({ vip, ifIndex });
      }
      return { placed, unplaced };
    };

    let { placed, unplaced } = place(wanted, d);
    const missed = placed.length > 0 ? await getRows(d.table, placed, out) : [];

    // At most one re-discovery per read: an interface may have been renumbered (reboot).
    if ((missed.length > 0 || unplaced.length > 0) && Date.now() - d.at >= rediscoverIntervalMs) {
      const before = new Map(placed.map((r) => [r.vip, r.ifIndex]));
      const oldTable = d.table;
      d = await discover(true);
      const again = place([...missed, ...unplaced], d);
      const retry = again.placed.filter((r) => d.table !== oldTable || before.get(r.vip) !== r.ifIndex);
      if (retry.length > 0) await getRows(d.table, retry, out);
      unplaced = again.unplaced;
    }

    if (unplaced.length > 0) await readByWalk(d.table, unplaced, out);

    return { router: cfg.name, entries: wanted.flatMap((v) => (out.has(v) ? [out.get(v)!] : [])) };
  }

  return {
    name: cfg.name,
    kind: "snmp",
    read,
    async close() {
      closed = true;
      await client.close();
    },
  };
}
