// Property tests: garbage never throws and never invents an entry; incomplete rows are
// never returned; generated tables parse back to exactly their complete rows.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeIp, normalizeMac } from "../../src/model/net.js";
import { PLATFORMS, type CliParser, type ParseResult } from "../../src/sources/router-cli/index.js";
import type { RouterPlatform } from "../../src/config/types.js";
import { fixture } from "./fixtures.js";

const FIXTURES: Record<RouterPlatform, string[]> = {
  "cisco-ios": ["cisco-ios-core.txt", "cisco-ios-xe-timestamps.txt", "cisco-ios-broken.txt"],
  "cisco-nxos": ["cisco-nxos-default.txt", "cisco-nxos-all-contexts.txt", "cisco-nxos-vrf-prod.txt"],
  "arista-eos": ["arista-eos-vrf-all.txt", "arista-eos-default.txt"],
  junos: ["junos-mx-no-resolve.txt", "junos-ex-irb.txt"],
  linux: ["linux-ip-j-neigh.txt", "linux-ip-j-p-neigh.txt", "linux-ip-neigh-text.txt"],
  "cisco-iosxr": ["cisco-iosxr-show-arp.txt", "cisco-iosxr-vrf-all.txt"],
  "cisco-asa": ["cisco-asa.txt"],
  "huawei-vrp": ["huawei-vrp-display-arp-all.txt", "huawei-vrp-display-arp-brief.txt"],
  "hpe-comware": ["hpe-comware-display-arp.txt", "hpe-comware5-display-arp.txt"],
  "aruba-aoscx": ["aruba-aoscx-all-vrfs.txt"],
  "arubaos-switch": ["arubaos-switch-show-arp.txt"],
  fortios: ["fortios-get-system-arp.txt"],
  panos: ["panos-show-arp-all.txt"],
  "mikrotik-routeros": ["mikrotik-routeros-v6-terse.txt", "mikrotik-routeros-v7-terse.txt"],
  "extreme-exos": ["extreme-exos-show-iparp.txt"],
};
const PLATFORM_NAMES = Object.keys(FIXTURES) as RouterPlatform[];

/**
 * Every entry must come from one source unit (a line; for JSON, one object, which
 * `ip -j -p` spreads over lines) that shows both its address and its MAC in some notation.
 */
/** Assertions reached per platform and property: a property whose inputs never reach one proves nothing. */
const reached = new Map<string, number>();
function count(key: string, n: number): void {
  reached.set(key, (reached.get(key) ?? 0) + n);
}

/** The test's own reading of a MAC token in any notation (12 hex digits with or without separators). */
function macOf(token: string): string | null {
  const hex = token.replace(/[:.-]/g, "").toLowerCase();
  return /^[0-9a-f]{12}$/.test(hex) && /^[0-9a-f]+([:.-][0-9a-f]+)*$/i.test(token) ? hex.match(/../g)!.join(":") : null;
}

function assertGrounded(input: string, result: ParseResult): number {
  const lineCount = input.split(/\r\n|\r|\n/).length;
  const isJson = /^\s*[[{]/.test(input);
  // eslint-disable-next-line no-control-regex
  const visible = input.replace(/\x1b\[[0-9;]*[A-Za-z]|\x08/g, " ");
  const units = (isJson ? jsonUnits(visible) : visible.split(/\r\n|\r|\n/)).map((l) => l.split(/[\s",[\]{}=()]+/).filter((t) => t !== ""));
  for (const entry of result.entries) {
    // IPv6 entries come in normalizeIp form, whatever spelling the line has.
    const source = units.find((toks) => toks.some((t) => t === entry.ip || normalizeIp(t) === entry.ip) && toks.some((t) => macOf(t) === entry.mac || normalizeMac(t) === entry.mac));
    expect(source, `entry ${entry.ip} ${entry.mac} has no source line`).toBeDefined();
  }
  for (const err of result.errors) {
    expect(Number.isInteger(err.line) && err.line >= 1 && err.line <= lineCount).toBe(true);
  }
  return result.entries.length + result.errors.length;
}

/** One unit per array element when the input is a JSON array (keys may hold "}"), else per "}". */
function jsonUnits(input: string): string[] {
  try {
    const data: unknown = JSON.parse(input);
    if (Array.isArray(data)) return data.map((item) => JSON.stringify(item) ?? "");
  } catch {
    // not valid JSON: split on object ends
  }
  return input.split("}");
}

function safeParse(parse: CliParser, input: string): ParseResult {
  let result: ParseResult | undefined;
  expect(() => {
    result = parse(input);
  }).not.toThrow();
  expect(Array.isArray(result!.entries) && Array.isArray(result!.errors)).toBe(true);
  return result!;
}

/** Token soup that resembles ARP output far more often than uniform random text does. */
const VOCAB = [
  "Internet", "ARPA", "-", "N/A", "0", "17", "00:04:12", "0:00:37", "Incomplete", "INCOMPLETE", "(incomplete)",
  "192.0.2.101", "192.0.2.300", "10.0.0", "fe80::1", "001a.4a48.be4b", "00:1a:4a:48:be:4c", "0000.0000.0000",
  "001a.4a48.be4b.00", "Vlan100,", "not learned", "ge-0/0/1.0", "irb.100", "[ae0.0]", "none", "permanent", "remote",
  "dev", "eth0", "lladdr", "REACHABLE", "FAILED", "PERMANENT", "STALE", "router", "#", "+", "*", "D", "VRF:", "%",
  "Total", "entries:", "[", "]", "{", "}", '"dst":', '"lladdr":', '"state":', '"192.0.2.101"', '"00:1a:4a:48:be:4b"', ",",
  "Dynamic", "Interface", "D-0", "S--", "I", "001a-4a48-be4b", "001a4a-48be4b", "reachable", "stale", "default", "VR-Default",
  "NO", "YES", "c", "s", "i", "DC", "address=192.0.2.101", "mac-address=00:1A:4A:48:BE:4B", "vrf=main", "100/-", "inside",
];
const soupLine = fc.array(fc.oneof(fc.constantFrom(...VOCAB), fc.string({ maxLength: 6 })), { maxLength: 8 }).map((t) => t.join(" "));
const soup = fc.array(soupLine, { maxLength: 12 }).map((l) => l.join("\n"));

/** One random edit of one line: delete/insert/replace a character, drop/duplicate/swap tokens. */
function mutate(line: string, op: number, pos: number, ch: string): string {
  const p = line.length === 0 ? 0 : pos % (line.length + 1);
  const toks = line.split(/(\s+)/);
  const ti = toks.length === 0 ? 0 : pos % toks.length;
  switch (op % 7) {
    case 0: return line.slice(0, p) + line.slice(p + 1);
    case 1: return line.slice(0, p) + ch + line.slice(p);
    case 2: return line.slice(0, p) + ch + line.slice(p + 1);
    case 3: return toks.filter((_, i) => i !== ti).join("");
    case 4: return [...toks.slice(0, ti + 1), " ", ...toks.slice(ti)].join("");
    case 5: return [...toks].reverse().join("");
    default: return line.slice(0, p);
  }
}

const mutation = fc.record({
  index: fc.nat(),
  op: fc.nat(),
  pos: fc.nat(),
  ch: fc.constantFrom(..."0123456789abcdefABCDEF:.-_ \t#*+/%[]{}\",xyzI"),
});

describe("parsers never throw and never invent entries", () => {
  for (const platform of PLATFORM_NAMES) {
    const { parse } = PLATFORMS[platform];

    // Random text almost never forms a row (none in 300 per platform, measured), so this one
    // checks that garbage never throws; the mutations below reach the grounding check (counted).
    it(`${platform}: random strings`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), soup), (input) => {
          count(`${platform} random`, assertGrounded(input, safeParse(parse, input)));
        }),
        { numRuns: 300 },
      );
      // Entries and errors were checked, not only inputs that parse to nothing.
      expect(reached.get(`${platform} random`) ?? 0).toBeGreaterThan(10);
    });

    it(`${platform}: random mutations of fixture lines`, () => {
      const files = FIXTURES[platform].map(fixture);
      fc.assert(
        fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 5 }), (fileIndex, edits) => {
          const lines = files[fileIndex % files.length]!.split("\n");
          for (const m of edits) {
            const i = m.index % lines.length;
            lines[i] = mutate(lines[i]!, m.op, m.pos, m.ch);
          }
          const input = lines.join("\n");
          const result = safeParse(parse, input);
          assertGrounded(input, result);
          count(`${platform} mutation entries`, result.entries.length);
        }),
        { numRuns: 400 },
      );
      expect(reached.get(`${platform} mutation entries`) ?? 0).toBeGreaterThan(400);
    });
  }
});

// ---------------------------------------------------------------------------
// Model-based: generate a table, render it the way each platform prints it, parse it back.
// ---------------------------------------------------------------------------

interface Row {
  ip: string;
  mac: string;
  complete: boolean;
  static: boolean;
}

const macBytes = fc.uint8Array({ minLength: 6, maxLength: 6 }).filter((b) => b.some((x) => x !== 0));
const rowsArb = fc
  .uniqueArray(fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 })), { maxLength: 12, selector: ([a, b]) => `${a}.${b}` })
  .chain((ips) =>
    fc.tuple(...ips.map(([a, b]) => fc.record({ ip: fc.constant(`10.${a}.0.${b}`), bytes: macBytes, complete: fc.boolean(), static: fc.boolean() }))),
  )
  .map((rows) =>
    rows.map((r): Row => ({ ip: r.ip, mac: Array.from(r.bytes, (x) => x.toString(16).padStart(2, "0")).join(":"), complete: r.complete, static: r.static })),
  );

const dotted = (mac: string) => mac.replaceAll(":", "").replace(/(.{4})(?=.)/g, "$1.");
const dashed4 = (mac: string) => dotted(mac).replaceAll(".", "-");
const halves = (mac: string) => mac.replaceAll(":", "").replace(/^(.{6})/, "$1-");
/** Platforms whose output shows no static marker: their static rows read as dynamic. */
const NO_STATIC_MARKER = new Set<RouterPlatform>(["fortios"]);

const RENDER: Record<RouterPlatform, (rows: Row[]) => string> = {
  "cisco-ios": (rows) =>
    ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"]
      .concat(rows.map((r) => (r.complete ? `Internet  ${r.ip.padEnd(16)} ${r.static ? "-" : "3"}   ${dotted(r.mac)}  ARPA   Vlan10` : `Internet  ${r.ip.padEnd(16)} 0   Incomplete      ARPA`)))
      .join("\r\n"),
  "cisco-nxos": (rows) =>
    ["IP ARP Table for context default", `Total number of entries: ${rows.length}`, "Address         Age       MAC Address     Interface       Flags"]
      .concat(
        rows.map((r, i) =>
          r.complete
            ? `${r.ip.padEnd(15)} ${r.static ? "   -    " : "00:04:12"}  ${dotted(r.mac)}  Vlan100 ${r.static ? "" : i % 2 ? "+" : "*"}`
            : i % 2
              ? `${r.ip.padEnd(15)} 00:00:02  INCOMPLETE      Vlan100`
              : `${r.ip.padEnd(15)} 00:00:41  0000.0000.0000  Vlan100         #`,
        ),
      )
      .join("\n"),
  "arista-eos": (rows) =>
    ["VRF: default", "Address         Age (sec)  Hardware Addr   Interface"]
      .concat(rows.filter((r) => r.complete).map((r) => `${r.ip.padEnd(15)} ${r.static ? "    N/A" : "0:04:12"}  ${dotted(r.mac)}  Vlan100, ${r.static ? "not learned" : "Ethernet1"}`))
      .join("\n"),
  junos: (rows) =>
    ["MAC Address       Address         Interface                Flags"]
      .concat(rows.map((r) => `${r.complete ? r.mac : "00:00:00:00:00:00"} ${r.ip.padEnd(15)} irb.100 [ge-0/0/1.0]     ${r.static ? "permanent" : "none"}`))
      .concat([`Total entries: ${rows.length}`])
      .join("\n"),
  linux: (rows) =>
    JSON.stringify(
      rows.map((r, i) =>
        r.complete
          ? { dst: r.ip, dev: "eth0", lladdr: r.mac, state: [r.static ? "PERMANENT" : i % 2 ? "REACHABLE" : "STALE"] }
          : { dst: r.ip, dev: "eth0", state: [i % 2 ? "FAILED" : "INCOMPLETE"] },
      ),
    ),
  "cisco-iosxr": (rows) =>
    ["Wed Jan  1 22:02:56.878 UTC", "", "-".repeat(79), "0/0/CPU0", "-".repeat(79), "Address         Age        Hardware Addr   State      Type  Interface"]
      .concat(
        rows.map((r, i) =>
          r.complete
            ? `${r.ip.padEnd(15)} ${r.static ? "-         " : "01:25:23  "} ${dotted(r.mac)}  ${r.static ? (i % 2 ? "Static    " : "Interface ") : "Dynamic   "} ARPA  Bundle-Ether1.100`
            : `${r.ip.padEnd(15)} 00:00:03   0000.0000.0000  Incomplete ARPA  Bundle-Ether1.100`,
        ),
      )
      .join("\r\n"),
  "cisco-asa": (rows) =>
    ["fw# show arp"].concat(rows.filter((r) => r.complete).map((r, i) => `        inside ${r.ip} ${dotted(r.mac)} ${r.static ? (i % 2 ? "-" : "alias") : "15"}`)).join("\n"),
  "huawei-vrp": (rows) =>
    ["IP ADDRESS      MAC ADDRESS     EXPIRE(M) TYPE        INTERFACE   VPN-INSTANCE", "                                          VLAN/CEVLAN(SIP/DIP)", "-".repeat(78)]
      .concat(
        rows.flatMap((r) =>
          !r.complete
            ? [`${r.ip.padEnd(15)} Incomplete      1         D-0         Vlanif100`]
            : r.static
              ? [`${r.ip.padEnd(15)} ${dashed4(r.mac)}            S--         Vlanif100`]
              : [`${r.ip.padEnd(15)} ${dashed4(r.mac)}  19        D-0         Eth-Trunk1.100   PROD`, "                                           100/-"],
        ),
      )
      .concat(["-".repeat(78), `Total:${rows.length}         Dynamic:0       Static:0     Interface:0`])
      .join("\n"),
  "hpe-comware": (rows) =>
    ["  Type: S-Static   D-Dynamic   O-Openflow   R-Rule   M-Multiport  I-Invalid", "IP address      MAC address    VLAN/VSI name Interface                Aging Type"]
      .concat(rows.map((r) => `${r.ip.padEnd(15)} ${dashed4(r.complete ? r.mac : "00:00:00:00:00:00")} 100           BAGG1                    ${r.static ? "N/A " : "757 "}  ${r.complete ? (r.static ? "S" : "D") : "I"}`))
      .join("\n"),
  "aruba-aoscx": (rows) =>
    ["IPv4 Address     MAC                Port         Physical Port              State      VRF", "-".repeat(90)]
      .concat(rows.map((r, i) => (r.complete ? `${r.ip.padEnd(16)} ${r.mac}  vlan100      lag1                       ${r.static ? "permanent" : "reachable"}  default` : `${r.ip.padEnd(16)}                    vlan100                                 ${i % 2 ? "incomplete" : "failed    "} default`)))
      .concat([`Total Number Of ARP Entries Listed- ${rows.length}.`, "-".repeat(90)])
      .join("\n"),
  "arubaos-switch": (rows) =>
    ["", " IP ARP table", "", "  IP Address      MAC Address       Type    Port", "  --------------- ----------------- ------- ----"]
      .concat(rows.filter((r) => r.complete).map((r) => `  ${r.ip.padEnd(15)} ${halves(r.mac)}     ${r.static ? "static " : "dynamic"} Trk1`))
      .join("\n"),
  fortios: (rows) =>
    ["Address           Age(min)   Hardware Addr      Interface"].concat(rows.map((r) => `${r.ip.padEnd(17)} 0          ${r.complete ? r.mac : "00:00:00:00:00:00"} port1.100`)).join("\r\n"),
  panos: (rows) =>
    ["total ARP entries in table :        3", "status: s - static, c - complete, e - expiring, i - incomplete", "", "interface         ip address      hw address        port              status   ttl", "-".repeat(80)]
      .concat(rows.map((r) => `ae1.100           ${r.ip.padEnd(15)} ${r.complete ? r.mac : "(incomplete)     "} ae1.100             ${r.complete ? (r.static ? "s" : "c") : "i"}      627`))
      .join("\n"),
  "mikrotik-routeros": (rows) =>
    rows
      .map((r, i) => (r.complete ? `${String(i).padStart(2)} ${r.static ? "  " : "DC"} address=${r.ip} mac-address=${r.mac.toUpperCase()} interface=bridge published=no` : `${String(i).padStart(2)} D  address=${r.ip} interface=bridge published=no`))
      .join("\n"),
  "extreme-exos": (rows) =>
    ["VR            Destination      Mac                Age  Static  VLAN          VID   Port"]
      .concat(rows.map((r) => `VR-Default    ${r.ip.padEnd(16)} ${r.complete ? `${r.mac} ` : `(${r.mac})`}  20    ${r.static ? "YES" : " NO"}  vips          100   1:25`))
      .concat(["", "Dynamic Entries  :           4             Static Entries            :          0"])
      .join("\n"),
};

describe("generated tables parse back to exactly their complete rows", () => {
  for (const platform of PLATFORM_NAMES) {
    it(platform, () => {
      fc.assert(
        fc.property(rowsArb, (rows) => {
          const result = PLATFORMS[platform].parse(RENDER[platform](rows));
          expect(result.errors).toEqual([]);
          const expected = rows.filter((r) => r.complete).map((r) => ({ ip: r.ip, mac: r.mac, static: r.static && !NO_STATIC_MARKER.has(platform) }));
          expect(result.entries.map((x) => ({ ip: x.ip, mac: x.mac, static: x.static }))).toEqual(expected);
          const incomplete = new Set(rows.filter((r) => !r.complete).map((r) => r.ip));
          expect(result.entries.filter((x) => incomplete.has(x.ip))).toEqual([]);
        }),
        { numRuns: 150 },
      );
    });
  }
});
