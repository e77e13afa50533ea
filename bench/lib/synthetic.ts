// Deterministic synthetic inputs: a seeded PRNG, large observations for the pure model,
// large scenarios for the simulator and large `show ip arp` outputs for the CLI parsers.
import type { ArpEntry, Observation, ObservedNode, ObservedRouter } from "../../src/model/types.js";
import { parseScenario, type Scenario } from "../../src/sim/scenario.js";

/** mulberry32: small, fast, good enough for shuffling benchmark inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SEED = 20240611;

const hex2 = (n: number) => (n & 0xff).toString(16).padStart(2, "0");

/** A locally administered MAC derived from (prefix, n). */
export function macOf(prefix: number, n: number): string {
  return ["02", hex2(prefix), hex2(n >>> 24), hex2(n >>> 16), hex2(n >>> 8), hex2(n)].join(":");
}

/** The n-th address of 10.0.0.0/8 (n >= 1). */
export function ipOf(n: number): string {
  return `10.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

export interface ObservationShape {
  vips: number;
  nodes: number;
  routers?: number;
  seed?: number;
  /** Chance that a node holds a given VIP (at least one up node always does). */
  holdChance?: number;
  /** Chance that a node (other than the first) is down; default 0.05. */
  downChance?: number;
}

/**
 * A messy segment: 5% of nodes down, each node holding each VIP with holdChance, router
 * entries mostly on a holder but also on non-holders, unknown MACs, missing and static;
 * the second router agrees with the first 90% of the time.
 */
export function syntheticObservation(shape: ObservationShape): Observation {
  const r = rng(shape.seed ?? SEED);
  const holdChance = shape.holdChance ?? 0.5;
  const vips = Array.from({ length: shape.vips }, (_, i) => ipOf(i + 1));
  const nodes: ObservedNode[] = Array.from({ length: shape.nodes }, (_, i) => ({
    name: `node-${String(i + 1).padStart(3, "0")}`,
    up: i === 0 || r() >= (shape.downChance ?? 0.05),
    mac: macOf(1, i + 1),
    holds: [],
  }));
  const up = nodes.filter((n) => n.up);
  const holders = new Map<string, ObservedNode[]>();
  for (const vip of vips) {
    const hs = up.filter(() => r() < holdChance);
    if (hs.length === 0) hs.push(pick(r, up));
    for (const n of hs) n.holds.push(vip);
    holders.set(vip, hs);
  }
  const routers: ObservedRouter[] = [];
  const first = new Map<string, ArpEntry | null>();
  for (let k = 0; k < (shape.routers ?? 2); k++) {
    const name = `router-${k + 1}`;
    const entries: ArpEntry[] = [];
    for (const vip of vips) {
      let e: ArpEntry | null;
      if (k > 0 && r() < 0.9) {
        e = first.get(vip) ?? null;
      } else {
        const x = r();
        if (x < 0.9) e = { vip, mac: pick(r, holders.get(vip)!).mac!, static: false };
        else if (x < 0.94) e = { vip, mac: pick(r, nodes).mac!, static: false };
        else if (x < 0.97) e = null;
        else if (x < 0.99) e = { vip, mac: macOf(0xee, Math.floor(r() * 1e6)), static: false };
        else e = { vip, mac: pick(r, nodes).mac!, static: true };
      }
      if (k === 0) first.set(vip, e);
      if (e) entries.push({ ...e, vip });
    }
    routers.push({ name, reading: { router: name, entries } });
  }
  return { vips, nodes, routers };
}

export interface ScenarioShape {
  vips: number;
  nodes: number;
  routers: number;
  seed?: number;
}

/**
 * A simulator scenario (validated by parseScenario, like a --sim.scenario file): every node
 * holds every VIP (the keepalived "everyone answers ARP" case) and each router maps each VIP
 * to a random node; the second router agrees 90% of the time.
 */
export function syntheticScenario(shape: ScenarioShape): Scenario {
  const r = rng(shape.seed ?? SEED);
  if (shape.vips > 150 || shape.nodes > 99) throw new Error("syntheticScenario: at most 150 VIPs and 99 nodes (192.0.2.0/24 names)");
  const vips = Array.from({ length: shape.vips }, (_, i) => `192.0.2.${101 + i}`);
  const nodes = Array.from({ length: shape.nodes }, (_, i) => ({
    name: `infra-${String(i + 1).padStart(2, "0")}`,
    address: `192.0.2.${i + 1}`,
    interface: "eth0",
    mac: macOf(0, i + 1),
    holds: vips,
  }));
  let first: Record<string, string> = {};
  const routers = Array.from({ length: shape.routers }, (_, k) => {
    const entries: Record<string, string> = {};
    for (const vip of vips) entries[vip] = k > 0 && r() < 0.9 ? first[vip]! : pick(r, nodes).mac;
    if (k === 0) first = entries;
    return { name: `core-s${k + 1}`, entries };
  });
  return parseScenario(JSON.stringify({ vips, nodes, routers }), "<bench scenario>");
}

// ---------------------------------------------------------------------------------------
// Router CLI outputs
// ---------------------------------------------------------------------------------------

export type CliFormat = "cisco-ios" | "arista-eos" | "cisco-nxos" | "junos" | "linux-json" | "linux-text";

/** Cisco dotted form: 0242.0a00.0001 */
function ciscoMac(mac: string): string {
  const h = mac.replace(/:/g, "");
  return `${h.slice(0, 4)}.${h.slice(4, 8)}.${h.slice(8)}`;
}

export interface CliOutput {
  text: string;
  lines: number;
  /** Complete entries the parser must return (incomplete rows are skipped by design). */
  expectedEntries: number;
}

/** `rows` table rows in the platform's format: 1% incomplete, 2% static, the rest dynamic. */
export function syntheticCliOutput(format: CliFormat, rows: number, seed = SEED): CliOutput {
  const r = rng(seed);
  const out: string[] = [];
  let expected = 0;
  const header: Record<CliFormat, string[]> = {
    "cisco-ios": ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"],
    "arista-eos": ["Address         Age (sec)  Hardware Addr   Interface"],
    "cisco-nxos": [
      "Flags: * - Adjacencies learnt on non-active FHRP router",
      "",
      "IP ARP Table for context default",
      `Total number of entries: ${rows}`,
      "Address         Age       MAC Address     Interface       Flags",
    ],
    junos: ["MAC Address       Address         Interface                Flags"],
    "linux-json": [],
    "linux-text": [],
  };
  out.push(...header[format]);
  const json: string[] = [];
  for (let i = 1; i <= rows; i++) {
    const ip = ipOf(i);
    const mac = macOf(0x42, i);
    const x = r();
    const incomplete = x < 0.01;
    const isStatic = !incomplete && x < 0.03;
    if (!incomplete) expected++;
    const age = String(Math.floor(r() * 240));
    switch (format) {
      case "cisco-ios":
        out.push(`Internet  ${ip.padEnd(15)}  ${isStatic ? "-".padStart(5) : age.padStart(5)}   ${incomplete ? "Incomplete    " : ciscoMac(mac)}  ARPA   ${incomplete ? "" : "GigabitEthernet0/0/1"}`.trimEnd());
        break;
      case "arista-eos":
        out.push(`${ip.padEnd(15)} ${isStatic ? "N/A".padStart(9) : "0:04:12".padStart(9)}  ${incomplete ? "incomplete    " : ciscoMac(mac)}  Vlan100, Ethernet${1 + (i % 48)}`);
        break;
      case "cisco-nxos":
        out.push(`${ip.padEnd(15)} ${isStatic ? "   -    " : "00:04:12"}  ${incomplete ? "INCOMPLETE    " : ciscoMac(mac)}  Vlan100`);
        break;
      case "junos":
        out.push(`${mac} ${ip.padEnd(15)} ge-0/0/1.0               ${incomplete ? "incomplete" : isStatic ? "permanent" : "none"}`);
        break;
      case "linux-json":
        json.push(
          incomplete
            ? JSON.stringify({ dst: ip, dev: "eth0", state: ["FAILED"] })
            : JSON.stringify({ dst: ip, dev: "eth0", lladdr: mac, state: [isStatic ? "PERMANENT" : "REACHABLE"] }),
        );
        break;
      case "linux-text":
        out.push(incomplete ? `${ip} dev eth0 FAILED` : `${ip} dev eth0 lladdr ${mac} ${isStatic ? "PERMANENT" : "REACHABLE"}`);
        break;
    }
  }
  if (format === "junos") out.push(`Total entries: ${rows}`);
  if (format === "linux-json") out.push(`[${json.join(",")}]`);
  const text = `${out.join("\n")}\n`;
  return { text, lines: format === "linux-json" ? rows : out.length, expectedEntries: expected };
}
