// IPv6 neighbour tables over the router CLIs: fixtures parsed to exactly the entries they show,
// the same error rules as the ARP parsers, properties (garbage never throws or invents an
// entry, generated tables parse back) and the platform table's IPv6 rows. A dual-stack router
// read over SSH is in ssh-router.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ipv6Groups, normalizeIp, normalizeMac } from "../../src/model/net.js";
import {
  IPV6_PLATFORMS,
  ipv6Problem,
  parseAristaEosIpv6,
  parseCiscoIosIpv6,
  parseCiscoNxosIpv6,
  parseJunosIpv6,
  parseLinux,
  platform,
  PLATFORM_NAMES,
  type CliArpEntry,
  type CliParser,
  type ParseResult,
} from "../../src/sources/router-cli/index.js";
import { readNeighGet, readRouteGet } from "../../src/sources/router-cli/linux-neigh-get.js";
import { reach } from "../helpers/reach.js";
import { e, fixture, N1, N2, N3 } from "./fixtures.js";

const P = "2001:db8:0:1::";
const v = (suffix: string): string => `${P}${suffix}`;

interface Case {
  file: string;
  parse: CliParser;
  entries: CliArpEntry[];
  /** Addresses shown without a complete entry. */
  absent: string[];
}

const CASES: Case[] = [
  {
    file: "cisco-ios-show-ipv6-neighbors.txt",
    parse: parseCiscoIosIpv6,
    entries: [
      e(v("1"), N1, false, "Gi0/0/1"),
      e(v("101"), N1, false, "Gi0/0/1"),
      e(v("102"), N3, false, "Gi0/0/1"),
      e(v("103"), N3, false, "Gi0/0/1"),
      e(v("200"), "00:50:56:a1:0c:01", true, "Gi0/0/1"),
      e("fe80::21a:4aff:fe48:be4b", N1, false, "Gi0/0/1"),
      e("fe80::21a:4aff:fe48:beef", N2, false, "Gi0/0/1"),
    ],
    absent: [v("104")],
  },
  {
    file: "cisco-nxos-show-ipv6-neighbor.txt",
    parse: parseCiscoNxosIpv6,
    entries: [
      e(v("1"), N1, false, "Vlan100", "default"),
      e(v("101"), N1, false, "Vlan100", "default"),
      e(v("102"), N3, false, "Vlan100", "default"),
      e(v("5"), "00:00:0c:9f:f0:64", true, "Vlan100", "default"),
      e("fe80::21a:4aff:fe48:be4c", N3, false, "Vlan100", "default"),
    ],
    absent: [v("103")],
  },
  {
    file: "arista-eos-show-ipv6-neighbors.txt",
    parse: parseAristaEosIpv6,
    entries: [
      e(v("1"), N1, false, "Vlan100", "default"),
      e(v("101"), N1, false, "Vlan100", "default"),
      e(v("102"), N3, false, "Vlan100", "default"),
      e(v("200"), "00:50:56:a1:0c:01", true, "Vlan100", "default"),
      e("fe80::1:2000:1:1", "50:00:00:68:a1:7f", false, "Et7", "default"),
    ],
    absent: [v("103")],
  },
  {
    file: "arista-eos-show-ipv6-neighbors-nostate.txt",
    parse: parseAristaEosIpv6,
    entries: [e(v("101"), N3, false, "Vlan100"), e("fe80::5205:ff:fe00:1b08", "50:05:00:00:1b:08", false, "Et3")],
    absent: [],
  },
  {
    file: "junos-show-ipv6-neighbors.txt",
    parse: parseJunosIpv6,
    entries: [
      e(v("1"), N1, false, "irb.100"),
      e(v("101"), N1, false, "irb.100"),
      e(v("102"), N3, false, "irb.100"),
      e("2001:db8:0:1:21a:4aff:fe48:be4c", N3, false, "irb.100"),
      e("fe80::21a:4aff:fe48:beef", N2, false, "irb.100"),
      e("fe80::2a0:a514:0:24c", "00:05:85:8f:c8:bd", false, "ge-0/0/0.0"),
    ],
    absent: [v("103"), v("104")],
  },
  {
    file: "linux-ip-6-j-neigh.txt",
    parse: parseLinux,
    entries: [
      e(v("102"), N3, false, "vip0"),
      e("fe80::21a:4aff:fe48:be4b", N1, false, "vip0"),
      e(v("103"), N2, true, "vip0"),
      e(v("101"), N1, false, "vip0"),
    ],
    absent: [v("104")],
  },
];

/** Every IPv6 address a text shows, in normalizeIp form. */
function shownAddresses(text: string): string[] {
  return [...new Set(text.split(/[\s",[\]{}]+/).flatMap((t) => (ipv6Groups(t) ? [normalizeIp(t)!] : [])))].sort();
}

describe("fixtures: exactly the complete entries they show, addresses in RFC 5952 form", () => {
  it.each(CASES.map((c) => [c.file, c] as const))("%s", (_, c) => {
    const text = fixture(c.file);
    const result = c.parse(text);
    expect(result.errors).toEqual([]);
    expect(result.entries).toStrictEqual(c.entries);
    expect(shownAddresses(text)).toEqual([...c.entries.map((x) => x.ip), ...c.absent].sort());
  });

  it("each fixture says where its format comes from", () => {
    const dir = fileURLToPath(new URL("../fixtures/router-cli/", import.meta.url));
    for (const c of CASES) expect(readFileSync(dir + c.file, "utf8").split("\n")[0], c.file).toMatch(/^#\| Format: .+/);
  });

  it("the linux per-VIP read of a dual-stack router (real iproute2 output) reads both families", () => {
    const vips = ["198.51.100.101", v("101"), v("102"), v("103"), v("104"), v("109")];
    expect(readNeighGet(fixture("linux-neigh-get-dual-stack-iproute2-6.1.txt"), vips)).toEqual({
      entries: [
        { ip: "198.51.100.101", mac: N1, static: false, interface: "vip0" },
        { ip: v("101"), mac: N1, static: false, interface: "vip0" },
        { ip: v("102"), mac: N3, static: false, interface: "vip0" },
        { ip: v("103"), mac: N2, static: true, interface: "vip0" },
      ],
    });
    expect(readRouteGet(fixture("linux-route-get-ipv6-iproute2-6.1.txt"), [v("101"), "2001:db8:9::1"])).toEqual({
      error: "ip route get 2001:db8:9::1 exited 2: RTNETLINK answers: Network is unreachable; set routers[].interface",
    });
  });
});

const IPV6_PARSERS: [string, CliParser][] = [
  ["cisco-ios", parseCiscoIosIpv6],
  ["cisco-nxos", parseCiscoNxosIpv6],
  ["arista-eos", parseAristaEosIpv6],
  ["junos", parseJunosIpv6],
];

describe("error rules (as for the ARP parsers)", () => {
  it.each(IPV6_PARSERS)("%s: another platform's table is an error, never an empty or invented reading", (name, parse) => {
    for (const other of CASES.filter((c) => c.parse !== parse && c.parse !== parseLinux)) {
      const r = parse(fixture(other.file));
      expect(r.errors.length, `${name} reading ${other.file}`).toBeGreaterThan(0);
    }
    // The same router's ARP table is no neighbour table either.
    const arp = { "cisco-ios": "cisco-ios-core.txt", "cisco-nxos": "cisco-nxos-default.txt", "arista-eos": "arista-eos-default.txt", junos: "junos-mx-no-resolve.txt" }[name]!;
    const r = parse(fixture(arp));
    expect(r.entries).toEqual([]);
    expect(r.errors.length).toBeGreaterThan(0);
  });

  it.each(IPV6_PARSERS)("%s: a device error is an error, not an empty table", (_, parse) => {
    for (const text of ["% Invalid input detected at '^' marker.", "error: syntax error, expecting <command>: neighbors", "% IPv6 routing not enabled"]) {
      const r = parse(text);
      expect(r.entries).toEqual([]);
      expect(r.errors).toEqual([{ line: 1, text, reason: "the router reported an error instead of the table" }]);
    }
  });

  it("rows with a bad column are errors on their line, quoting it", () => {
    const cases: [CliParser, string, string][] = [
      [parseCiscoIosIpv6, "2001:DB8:0:1::101                           0 001a.4a48.be4b  ????  Gi0/0/1", 'unknown neighbour state "????" (expected INCMP, REACH, STALE, DELAY or PROBE)'],
      [parseCiscoIosIpv6, "2001:DB8:0:1::1::2                          0 001a.4a48.be4b  REACH Gi0/0/1", 'invalid IPv6 address "2001:DB8:0:1::1::2"'],
      [parseCiscoIosIpv6, "2001:DB8:0:1::10g                           0 001a.4a48.be4b  REACH Gi0/0/1", "neither a neighbour row nor a header or footer of `show ipv6 neighbors` output"],
      [parseCiscoIosIpv6, "2001:DB8:0:1::101                           0 001a.4a48.be  REACH Gi0/0/1", 'invalid link-layer address "001a.4a48.be"'],
      [parseCiscoNxosIpv6, "2001:db8:0:1::1 00:00:10  001a.4a48.be4b  50   icmpv6     Vlan100        X", 'unexpected column "X" after the interface'],
      [parseCiscoNxosIpv6, "2001:db8:0:1::1 00:00:10  001a.4a48.be4b  fifty icmpv6    Vlan100", 'invalid preference "fifty"'],

      [parseJunosIpv6, "2001:db8:0:1::1  00:1a:4a:48:be:4b  confused  28  no  no  irb.100", 'unknown neighbour state "confused"'],
      [parseJunosIpv6, "2001:db8:0:1::1  00:1a:4a:48:be:4b  stale  28  maybe  no  irb.100", 'expected yes or no in the Rtr and Secure columns, found "maybe no"'],
      [parseJunosIpv6, "2001:db8:0:1:2:3:4:5:6  00:1a:4a:48:be:4b  stale  28  no  no  irb.100", 'invalid IPv6 address "2001:db8:0:1:2:3:4:5:6"'],
    ];
    for (const [parse, line, reason] of cases) {
      const r = parse(line);
      expect(r).toEqual({ entries: [], errors: [{ line: 1, text: line.trim(), reason }] });
    }
    // EOS reads its columns from the header: with a State column, the state is checked.
    const eos = "2001:db8:0:1::1                           0:07:37 001a.4a48.be4b   WEIRD Et7";
    expect(parseAristaEosIpv6(`IPv6 Address                                  Age Hardware Addr    State Interface\n${eos}`)).toEqual({
      entries: [],
      errors: [{ line: 2, text: eos, reason: 'unknown neighbour state "WEIRD" (expected INCMP, REACH, STALE, DELAY or PROBE)' }],
    });
  });

  it("a zone index never reaches an entry: VIPs have none", () => {
    const r = parseCiscoIosIpv6("FE80::1%Gi0/0/1                             0 001a.4a48.be4b  REACH Gi0/0/1");
    expect(r.entries).toEqual([]);
    expect(r.errors.map((x) => x.reason)).toEqual(['invalid IPv6 address "FE80::1%Gi0/0/1"']);
  });

  it("a wrapped address followed by a line that is no continuation is an error, not a row", () => {
    const r = parseJunosIpv6(["IPv6 Address                 Linklayer Address  State       Exp Rtr Secure Interface", "2001:db8:0:1:21a:4aff:fe48:be4c", "Total entries: 1"].join("\n"));
    expect(r.entries).toEqual([]);
    expect(r.errors).toEqual([{ line: 2, text: "2001:db8:0:1:21a:4aff:fe48:be4c", reason: "expected columns IPv6-Address Linklayer-Address State Exp Rtr Secure Interface, found 1" }]);
  });

  it.each(IPV6_PARSERS)("%s: an empty table is no entries and no errors", (_, parse) => {
    expect(parse("")).toEqual({ entries: [], errors: [] });
  });
});

// ---------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------

const macOf = (token: string): string | null => {
  const hex = token.replace(/[:.-]/g, "").toLowerCase();
  return /^[0-9a-f]{12}$/.test(hex) && /^[0-9a-f]+([:.-][0-9a-f]+)*$/i.test(token) ? hex.match(/../g)!.join(":") : null;
};

/** Each entry comes from one row (a line, or an address line and its continuation) showing its address and MAC. */
function assertGrounded(input: string, result: ParseResult): void {
  const lines = input.split(/\r\n|\r|\n/);
  const units = lines.map((l, i) => `${l} ${/^\s/.test(lines[i + 1] ?? "") ? lines[i + 1] : ""}`.split(/[\s",[\]{}=()]+/).filter((t) => t !== ""));
  for (const entry of result.entries) {
    const source = units.find((toks) => toks.some((t) => ipv6Groups(t) !== null && normalizeIp(t) === entry.ip) && toks.some((t) => macOf(t) === entry.mac || normalizeMac(t) === entry.mac));
    expect(source, `entry ${entry.ip} ${entry.mac} has no source row`).toBeDefined();
    expect(normalizeIp(entry.ip)).toBe(entry.ip);
  }
  for (const err of result.errors) expect(Number.isInteger(err.line) && err.line >= 1 && err.line <= lines.length).toBe(true);
}

function safeParse(parse: CliParser, input: string): ParseResult {
  let result: ParseResult | undefined;
  expect(() => {
    result = parse(input);
  }).not.toThrow();
  return result!;
}

const VOCAB = [
  "2001:db8::101", "2001:DB8:0:1::102", "fe80::1", "2001:db8:0:1:21a:4aff:fe48:be4c", "2001:db8::1::2", "::", "001a.4a48.be4b", "00:1a:4a:48:be:4c",
  "0000.0000.0000", "none", "-", "N/A", "0", "546", "0:07:37", "00:01:46", "3w0d", "REACH", "STALE", "INCMP", "DELAY", "PROBE", "????", "reachable",
  "stale", "unreachable", "incomplete", "yes", "no", "50", "icmpv6", "static", "Gi0/0/1", "Vlan100,", "Ethernet1", "irb.100", "[ae0.0]", "#", "G",
  "VRF:", "default", "Total", "entries:", "%", "IPv6", "Address", "Age",
];
const soup = fc.array(fc.array(fc.oneof(fc.constantFrom(...VOCAB), fc.string({ maxLength: 5 })), { maxLength: 8 }).map((t) => t.join(" ")), { maxLength: 12 }).map((l) => l.join("\n"));

function mutate(line: string, op: number, pos: number, ch: string): string {
  const p = line.length === 0 ? 0 : pos % (line.length + 1);
  const toks = line.split(/(\s+)/);
  const ti = toks.length === 0 ? 0 : pos % toks.length;
  switch (op % 6) {
    case 0: return line.slice(0, p) + line.slice(p + 1);
    case 1: return line.slice(0, p) + ch + line.slice(p);
    case 2: return line.slice(0, p) + ch + line.slice(p + 1);
    case 3: return toks.filter((_, i) => i !== ti).join("");
    case 4: return [...toks.slice(0, ti + 1), " ", ...toks.slice(ti)].join("");
    default: return line.slice(0, p);
  }
}
const mutation = fc.record({ index: fc.nat(), op: fc.nat(), pos: fc.nat(), ch: fc.constantFrom(..."0123456789abcdefABCDEF:.- #[]%xyz") });

const FIXTURES: [string, CliParser, string[]][] = [
  ["cisco-ios", parseCiscoIosIpv6, ["cisco-ios-show-ipv6-neighbors.txt"]],
  ["cisco-nxos", parseCiscoNxosIpv6, ["cisco-nxos-show-ipv6-neighbor.txt"]],
  ["arista-eos", parseAristaEosIpv6, ["arista-eos-show-ipv6-neighbors.txt", "arista-eos-show-ipv6-neighbors-nostate.txt"]],
  ["junos", parseJunosIpv6, ["junos-show-ipv6-neighbors.txt"]],
];

describe("parsers never throw and never invent entries", () => {
  for (const [name, parse, files] of FIXTURES) {
    it(`${name}: random strings and token soup`, () => {
      const seen = reach("entry or error", "nothing");
      fc.assert(
        fc.property(fc.oneof(fc.string(), soup), (input) => {
          const r = safeParse(parse, input);
          assertGrounded(input, r);
          seen.hit(r.entries.length + r.errors.length > 0 ? "entry or error" : "nothing");
        }),
        { numRuns: 300 },
      );
      seen.reached(10);
    });

    it(`${name}: random mutations of fixture lines`, () => {
      const texts = files.map(fixture);
      let entries = 0;
      fc.assert(
        fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (fi, edits) => {
          const lines = texts[fi % texts.length]!.split("\n");
          for (const m of edits) lines[m.index % lines.length] = mutate(lines[m.index % lines.length]!, m.op, m.pos, m.ch);
          const input = lines.join("\n");
          const r = safeParse(parse, input);
          assertGrounded(input, r);
          entries += r.entries.length;
        }),
        { numRuns: 300 },
      );
      expect(entries).toBeGreaterThan(300);
    });
  }
});

interface Row {
  ip: string;
  mac: string;
  complete: boolean;
  static: boolean;
}

const rowsArb = fc
  // "::" is no neighbour a router lists (and no row: nothing hex in it).
  .uniqueArray(fc.ipV6().filter((a) => ipv6Groups(a) !== null && !a.includes(".") && normalizeIp(a) !== "::"), { maxLength: 10, selector: (a) => normalizeIp(a)! })
  .chain((ips) =>
    fc.tuple(...ips.map((ip) => fc.record({ ip: fc.constant(ip), bytes: fc.uint8Array({ minLength: 6, maxLength: 6 }).filter((b) => b.some((x) => x !== 0)), complete: fc.boolean(), static: fc.boolean(), upper: fc.boolean() }))),
  )
  .map((rows) => rows.map((r) => ({ ip: r.upper ? r.ip.toUpperCase() : r.ip, mac: Array.from(r.bytes, (x) => x.toString(16).padStart(2, "0")).join(":"), complete: r.complete, static: r.static })));

const dotted = (mac: string) => mac.replaceAll(":", "").replace(/(.{4})(?=.)/g, "$1.");
/** NX-OS and Junos print a long address alone on its line, the rest indented below. */
const wrap = (ip: string, width: number, rest: string): string => (ip.length >= width ? `${ip}\n${" ".repeat(width)}${rest}` : `${ip.padEnd(width)}${rest}`);

const RENDER: Record<string, (rows: Row[]) => string> = {
  "cisco-ios": (rows) =>
    ["IPv6 Address                              Age Link-layer Addr State Interface"]
      .concat(rows.map((r) => `${r.ip.padEnd(41)} ${r.static ? "-" : "0"} ${r.complete ? dotted(r.mac) : "-             "}  ${r.complete ? "REACH" : "INCMP"} Gi0/0/1`))
      .join("\r\n"),
  "cisco-nxos": (rows) =>
    ["IPv6 Adjacency Table for VRF default", `Total number of entries: ${rows.length}`, "Address         Age       MAC Address     Pref Source     Interface"]
      .concat(rows.map((r) => wrap(r.ip, 16, `${r.static ? "-       " : "00:01:46"}  ${r.complete ? dotted(r.mac) : "0000.0000.0000"}  50   ${r.static ? "static" : "icmpv6"}     Vlan100${r.complete ? "" : "        #"}`)))
      .join("\n"),
  "arista-eos": (rows) =>
    ["VRF: default", "IPv6 Address                                  Age Hardware Addr    State Interface"]
      .concat(rows.map((r) => `${r.ip.padEnd(41)} ${r.static ? "    N/A" : "0:07:37"} ${dotted(r.mac)}   ${r.complete ? "REACH" : "INCMP"} Vlan100, Ethernet1`))
      .join("\n"),
  junos: (rows) =>
    ["IPv6 Address                 Linklayer Address  State       Exp Rtr Secure Interface"]
      .concat(rows.map((r) => wrap(r.ip, 29, `${r.complete ? r.mac : "none             "}  ${r.complete ? (r.static ? "permanent" : "stale    ") : "incomplete"}   546 no  no      irb.100`)))
      .join("\n"),
  linux: (rows) =>
    JSON.stringify(rows.map((r, i) => (r.complete ? { dst: r.ip, dev: "eth0", lladdr: r.mac, state: [r.static ? "PERMANENT" : i % 2 ? "REACHABLE" : "STALE"] } : { dst: r.ip, dev: "eth0", state: ["FAILED"] }))),
};

describe("generated neighbour tables parse back to exactly their complete rows, in RFC 5952 form", () => {
  const parsers: Record<string, CliParser> = { ...Object.fromEntries(IPV6_PARSERS), linux: parseLinux };
  for (const name of Object.keys(RENDER)) {
    it(name, () => {
      let wrapped = 0;
      fc.assert(
        fc.property(rowsArb, (rows) => {
          const text = RENDER[name]!(rows);
          wrapped += text.split("\n").filter((l) => /^\s{16,}\S/.test(l)).length;
          const result = parsers[name]!(text);
          expect(result.errors).toEqual([]);
          const expected = rows.filter((r) => r.complete).map((r) => ({ ip: normalizeIp(r.ip), mac: r.mac, static: r.static }));
          expect(result.entries.map((x) => ({ ip: x.ip, mac: x.mac, static: x.static }))).toEqual(expected);
        }),
        { numRuns: 120 },
      );
      // Wrapped rows were generated (and read back), not only one-line ones.
      if (name === "cisco-nxos" || name === "junos") expect(wrapped).toBeGreaterThan(10);
    });
  }
});

// ---------------------------------------------------------------------------
// The platform table and a dual-stack router over SSH.
// ---------------------------------------------------------------------------

describe("the platform table's IPv6 rows", () => {
  it("names the IPv6 command of the five platforms that have one, and says what to do on the others", () => {
    expect(IPV6_PLATFORMS).toEqual(["linux", "cisco-ios", "arista-eos", "cisco-nxos", "junos"]);
    expect(Object.fromEntries(IPV6_PLATFORMS.map((n) => [n, platform(n).ipv6!.command]))).toEqual({
      linux: "ip -6 -j neigh",
      "cisco-ios": "show ipv6 neighbors",
      "arista-eos": "show ipv6 neighbors",
      "cisco-nxos": "show ipv6 neighbor",
      junos: "show ipv6 neighbors",
    });
    for (const n of PLATFORM_NAMES) expect(ipv6Problem(n) === null).toBe(IPV6_PLATFORMS.includes(n));
    expect(ipv6Problem("fortios")).toBe(
      'platform "fortios" has no IPv6 neighbour reader yet (linux, cisco-ios, arista-eos, cisco-nxos, junos have one): read this router over SNMP (ipNetToPhysicalTable), or keep its VIPs IPv4',
    );
  });
});
