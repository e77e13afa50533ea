// Router ARP entries for the VIPs over SNMP (IP-MIB). The cost of a read does not depend on
// the size of the router's ARP table: after a one-time discovery (which interface faces each
// VIP, which table to read) one GET fetches exactly the VIP rows. Walking the table is the
// fallback for VIPs that discovery cannot place. Every answer is read with its meaning: a
// table outside the agent's view or an answer to other OIDs fails the read (SnmpViewError,
// SnmpMalformedError); only noSuchInstance means "no entry".
import type { SnmpRouterConfig } from "../../config/types.js";
import type { Logger } from "../../log.js";
import type { ArpEntry, RouterReading, UnreadableEntry } from "../../model/types.js";
import { isIpv4 } from "../../model/net.js";
import type { RouterSource } from "../types.js";
import { arpRowIndex, decodeArpRow, getVarbindProblem, parseArpRowIndex, type RawVarbind } from "./decode.js";
import { chooseArpTable, interfaceFor, readInterfaceAddresses, type AddressDiscovery } from "./discovery.js";
import { SnmpMalformedError, SnmpViewError } from "./errors.js";
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

/** What one read learnt besides the entries. */
interface ReadState {
  out: Map<string, ArpEntry>;
  unreadable: Map<string, UnreadableEntry>;
  /** Rows answered with a value or noSuchInstance: a read with none of these and some unreadable rows fails. */
  usable: number;
}

export function createSnmpRouterSource(
  cfg: SnmpRouterConfig,
  log: Logger,
  opts: SnmpRouterSourceOptions = {},
): RouterSource {
  const client = opts.client ?? createSnmpClient(cfg, log);
  let malformedRows = 0;
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
        const table = await chooseArpTable(client, cfg.table, cfg);
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

  /**
   * GETs the rows; stores complete entries in `st.out`, unreadable rows in `st.unreadable`, and
   * returns the VIPs whose rows do not exist (noSuchInstance). Throws when the answer as a whole
   * cannot be trusted: a column outside the view, OIDs other than the ones asked, endOfMibView.
   */
  async function getRows(table: ArpTable, rows: RowRef[], st: ReadState): Promise<string[]> {
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
      if (vbs.length !== oids.length) {
        throw new SnmpMalformedError(cfg, "GET", `${vbs.length} varbinds answer the ${oids.length} OIDs asked (${oids[0]} ...)`);
      }
      oids.forEach((oid, j) => {
        const problem = getVarbindProblem(vbs[j], oid);
        if (problem?.kind === "malformed") throw new SnmpMalformedError(cfg, "GET", problem.reason);
        if (problem?.kind === "not-visible") {
          throw new SnmpViewError(cfg, [table], `noSuchObject for ${oid}`);
        }
      });
      chunk.forEach((r, k) => {
        const at = (j: number): RawVarbind => vbs[k * cols.length + j]!;
        const result = decodeArpRow(table, r.vip, r.ifIndex, {
          physAddress: at(0),
          type: at(1),
          state: table === "ipNetToPhysical" ? at(2) : undefined,
        });
        switch (result.kind) {
          case "entry":
            st.usable++;
            if (!st.out.has(r.vip)) st.out.set(r.vip, result.entry);
            st.unreadable.delete(r.vip);
            break;
          case "missing":
            st.usable++;
            missed.push(r.vip);
            break;
          case "absent":
            st.usable++;
            log.debug({ vip: r.vip, ifIndex: r.ifIndex, table, reason: result.reason }, "ARP entry not complete");
            break;
          case "malformed": {
            malformedRows++;
            const oid = oids[k * cols.length]!;
            const reason = `${table} row ${oid}: ${result.reason}`;
            log.warn({ router: cfg.name, vip: r.vip, oid, reason: result.reason }, "malformed ARP row skipped: the VIP's entry on this router is unknown");
            if (!st.out.has(r.vip)) st.unreadable.set(r.vip, { vip: r.vip, reason });
            break;
          }
        }
      });
    }
    return missed;
  }

  /**
   * Fallback: walk one column to find the VIP rows, then GET them. Cost grows with the table.
   * A walk that leaves the column at once means the table is not visible (or empty, which a
   * router on the VIPs' segment never is): an error, never "the VIPs are absent".
   */
  async function readByWalk(table: ArpTable, vips: string[], st: ReadState): Promise<void> {
    const logFn = warnedWalk ? log.debug.bind(log) : log.warn.bind(log);
    warnedWalk = true;
    logFn(
      { vips, table },
      "no router interface found for these VIPs in ipAddrTable/ipAddressTable: walking the ARP table instead (cost grows with its size)",
    );
    const column = `${arpEntryOid(table)}.${columnsOf(table)[0]}`;
    const want = new Set(vips);
    const rows: RowRef[] = [];
    const walked = await client.walkColumn(column);
    if (walked.length === 0) throw new SnmpViewError(cfg, [table], `a walk of ${column} left the column at once`);
    // The walk showed the table: a VIP without a row in it is really absent.
    for (const vb of walked) {
      const idx = parseArpRowIndex(table, oidSuffix(vb.oid, column) ?? []);
      if (idx && want.has(idx.ip)) rows.push({ vip: idx.ip, ifIndex: idx.ifIndex });
    }
    if (rows.length > 0) await getRows(table, rows, st);
  }

  async function read(vips: string[]): Promise<RouterReading> {
    if (closed) throw new Error(`SNMP source for router "${cfg.name}" is closed`);
    const wanted = [...new Set(vips)].filter((v) => {
      if (isIpv4(v)) return true;
      log.debug({ vip: v }, "only IPv4 VIPs are read over SNMP; skipped");
      return false;
    });
    const st: ReadState = { out: new Map(), unreadable: new Map(), usable: 0 };
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
    const missed = placed.length > 0 ? await getRows(d.table, placed, st) : [];

    // At most one re-discovery per read: an interface may have been renumbered (reboot).
    if ((missed.length > 0 || unplaced.length > 0) && Date.now() - d.at >= rediscoverIntervalMs) {
      const before = new Map(placed.map((r) => [r.vip, r.ifIndex]));
      const oldTable = d.table;
      d = await discover(true);
      const again = place([...missed, ...unplaced], d);
      const retry = again.placed.filter((r) => d.table !== oldTable || before.get(r.vip) !== r.ifIndex);
      if (retry.length > 0) await getRows(d.table, retry, st);
      unplaced = again.unplaced;
    }

    if (unplaced.length > 0) await readByWalk(d.table, unplaced, st);

    const unreadable = [...st.unreadable.values()];
    if (st.usable === 0 && unreadable.length > 0) {
      const more = unreadable.length > 1 ? ` (and ${unreadable.length - 1} more)` : "";
      throw new SnmpMalformedError(cfg, "GET", `no row of the answer is usable: ${unreadable[0]!.reason}${more}`);
    }
    const reading: RouterReading = { router: cfg.name, entries: wanted.flatMap((v) => (st.out.has(v) ? [st.out.get(v)!] : [])) };
    if (unreadable.length > 0) reading.unreadable = unreadable;
    return reading;
  }

  return {
    name: cfg.name,
    kind: "snmp",
    read,
    malformedRows: () => malformedRows,
    async close() {
      closed = true;
      await client.close();
    },
  };
}
