// From a parsed table to the VIPs' entries, honouring `vrf:`. Pure: the SSH source calls it.
import type { CliArpEntry } from "./types.js";

export interface SelectOptions {
  /** Only this VRF's entries count. */
  vrf?: string;
  /** The VRF of entries printed without one (the platform's default VRF), when the output names VRFs. */
  unnamed?: string;
}

export interface Selection {
  /** One entry per VIP found, in the order the VIPs were asked for. */
  entries: CliArpEntry[];
  /** Same VIP twice in one VRF with different MACs: the first is kept. */
  warnings: string[];
}

const list = (names: Iterable<string>): string => [...names].map((n) => `"${n}"`).join(", ");

/** The VIPs' entries, or why the table cannot say which entry is the VIP's. */
export function selectVipEntries(entries: CliArpEntry[], vips: string[], opts: SelectOptions = {}): Selection | { error: string } {
  const vrfOf = (e: CliArpEntry): string | undefined => e.vrf ?? opts.unnamed;
  let pool = entries;
  if (opts.vrf !== undefined) {
    pool = entries.filter((e) => vrfOf(e) === opts.vrf);
    const named = new Set(entries.map(vrfOf).filter((v): v is string => v !== undefined));
    if (pool.length === 0 && named.size > 0) {
      return { error: `the output lists VRFs ${list([...named].sort())} but not "${opts.vrf}"; check vrf: (names are case-sensitive) or command:` };
    }
  }
  const wanted = new Set(vips);
  const byVip = new Map<string, CliArpEntry[]>();
  for (const e of pool) {
    if (!wanted.has(e.ip)) continue;
    const seen = byVip.get(e.ip);
    if (seen) seen.push(e);
    else byVip.set(e.ip, [e]);
  }
  const warnings: string[] = [];
  const out: CliArpEntry[] = [];
  for (const vip of wanted) {
    const found = byVip.get(vip);
    if (!found) continue;
    const vrfs = new Set(found.map(vrfOf).map((v) => v ?? "(unnamed)"));
    if (vrfs.size > 1) {
      return { error: `VIP ${vip} is in more than one VRF (${list([...vrfs].sort())}); set vrf: to the one the VIPs live in` };
    }
    const first = found[0]!;
    const other = found.find((e) => e.mac !== first.mac);
    if (other) warnings.push(`VIP ${vip} is listed with MACs ${first.mac} and ${other.mac}; keeping the first`);
    out.push(first);
  }
  return { entries: out, warnings };
}
