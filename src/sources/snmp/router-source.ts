// Router ARP and IPv6 neighbour entries for the VIPs over SNMP (IP-MIB). The cost of a read does
// not depend on the size of the router's table: after a one-time discovery (which interface
// faces each VIP, which table to read: IPv6 VIPs always ipNetToPhysicalTable) one GET per table
// fetches exactly the VIP rows. Walking the table is the fallback for VIPs that discovery cannot
// place. Every answer is read with its meaning: a table outside the agent's view or an answer to
// other OIDs fails the read (SnmpViewError, SnmpMalformedError); only noSuchInstance means "no entry".
import type { SnmpRouterConfig } from "../../config/types.js";
import type { Logger } from "../../log.js";
import type { ArpEntry, RouterReading, UnreadableEntry } from "../../model/types.js";
import { ipFamily } from "../../model/net.js";
import type { RouterSource } from "../types.js";
import { arpRowIndex, decodeArpRow, getVarbindProblem, parseArpRowIndex, type RawVarbind } from "./decode.js";
import { chooseArpTable, interfaceFor, readInterfaceAddresses, requireIpv6Table, type AddressDiscovery } from "./discovery.js";
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

type Family = 4 | 6;

interface Discovery extends AddressDiscovery {
  /** The table of each family the VIPs had when it ran (IPv6: always ipNetToPhysical). */
  tables: Partial<Record<Family, ArpTable>>;
  at: number;
}

interface RowRef {
  vip: string;
  ifIndex: number;
  table: ArpTable;
}

const familyOf = (vip: string): Family => (ipFamily(vip) === 6 ? 6 : 4);

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

  const covers = (d: Discovery | null, need: Family[]): d is Discovery => d !== null && need.every((f) => d.tables[f] !== undefined);

  function discover(force: boolean, need: Family[]): Promise<Discovery> {
    if (!force && covers(discovery, need)) return Promise.resolve(discovery);
    const families = [...new Set<Family>([...need, ...(Object.keys(discovery?.tables ?? {}).map(Number) as Family[])])];
    // Concurrent reads share one discovery.
    inflight ??= (async () => {
      try {
        const tables: Discovery["tables"] = {};
        if (families.includes(4)) tables[4] = await chooseArpTable(client, cfg.table, cfg);
        if (families.includes(6)) tables[6] = await requireIpv6Table(client, cfg, tables[4] ?? null);
        const found = await readInterfaceAddresses(client, log, families.includes(6));
        discovery = { ...found, tables, at: Date.now() };
        log.debug({ tables, source: found.source, addresses: found.addresses }, "SNMP discovery done");
        return discovery;
      } finally {
        inflight = null;
      }
    })();
    // One shared with a read of other families may not cover these: then one more, for all.
    return inflight.then((d) => (covers(d, need) ? d : discover(true, need)));
  }

  /**
   * GETs the rows; stores complete entries in `st.out`, unreadable rows in `st.unreadable`, and
   * returns the VIPs whose rows do not exist (noSuchInstance). Throws when the answer as a whole
   * cannot be trusted: a column outside the view, OIDs other than the ones asked, endOfMibView.
   */
  async function getRows(table: ArpTable, rows: RowRef[], st: ReadState): Promise<string[]> {
    if (rows.some((r) => r.table !== table)) throw new Error(`internal: rows of another table than ${table}`);
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
      if (idx && want.has(idx.ip)) rows.push({ vip: idx.ip, ifIndex: idx.ifIndex, table });
    }
    if (rows.length > 0) await getRows(table, rows, st);
  }

  async function read(vips: string[]): Promise<RouterReading> {
    if (closed) throw new Error(`SNMP source for router "${cfg.name}" is closed`);
    // VIPs come in normalizeIp form (the config's); anything else is no address to ask for.
    const wanted = [...new Set(vips)].filter((v) => {
      if (ipFamily(v) !== null) return true;
      log.debug({ vip: v }, "not an IP address; skipped");
      return false;
    });
    const st: ReadState = { out: new Map(), unreadable: new Map(), usable: 0 };
    if (wanted.length === 0) return { router: cfg.name, entries: [] };
    const need = [...new Set(wanted.map(familyOf))];

    let d = await discover(false, need);
    const tableOf = (vip: string, disc: Discovery): ArpTable => disc.tables[familyOf(vip)]!;
    const place = (vips: string[], disc: Discovery) => {
      const placed: RowRef[] = [];
      const unplaced: string[] = [];
      for (const vip of vips) {
        const ifIndex = interfaceFor(vip, disc.addresses);
        if (ifIndex === null) unplaced.push(vip);
        else placed.push({ vip, ifIndex, table: tableOf(vip, disc) });
      }
      return { placed, unplaced };
    };
    /** GETs the rows, one table at a time; the VIPs whose rows do not exist. */
    const getAll = async (rows: RowRef[]): Promise<string[]> => {
      const missed: string[] = [];
      for (const table of new Set(rows.map((r) => r.table))) missed.push(...(await getRows(table, rows.filter((r) => r.table === table), st)));
      return missed;
    };

    let { placed, unplaced } = place(wanted, d);
    const missed = await getAll(placed);

    // At most one re-discovery per read: an interface may have been renumbered (reboot).
    if ((missed.length > 0 || unplaced.length > 0) && Date.now() - d.at >= rediscoverIntervalMs) {
      const before = new Map(placed.map((r) => [r.vip, r]));
      d = await discover(true, need);
      const again = place([...missed, ...unplaced], d);
      const retry = again.placed.filter((r) => before.get(r.vip)?.table !== r.table || before.get(r.vip)?.ifIndex !== r.ifIndex);
      await getAll(retry);
      unplaced = again.unplaced;
    }

    for (const table of new Set(unplaced.map((v) => tableOf(v, d)))) {
      await readByWalk(table, unplaced.filter((v) => tableOf(v, d) === table), st);
    }

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
