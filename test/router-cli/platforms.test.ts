// The platforms added for issue 12 and NX-OS detail/VRF output: every fixture parsed to
// exactly the entries it shows (expectations written by reading the fixture files), the
// lines each parser must refuse, and the platform table that drives the config.
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import {
  parseArubaAoscx,
  parseArubaosSwitch,
  parseCiscoAsa,
  parseCiscoIosxr,
  parseCiscoNxos,
  parseExtremeExos,
  parseFortios,
  parseHpeComware,
  parseHuaweiVrp,
  parseMikrotikRouteros,
  parsePanos,
  PLATFORM_NAMES,
  PLATFORMS,
  type CliParser,
} from "../../src/sources/router-cli/index.js";
import { e, expectFixture, fixture, N1, N2, N3, type FixtureCase } from "./fixtures.js";

const STATIC1 = "00:50:56:a1:0c:01";

const BE = "Bundle-Ether10.100";
const XR_SUB = "GigabitEthernet0/0/0/0.2151";
const CASES: FixtureCase[] = [
  {
    file: "cisco-iosxr-show-arp.txt",
    parse: parseCiscoIosxr,
    entries: [
      e("192.0.2.254", "52:54:00:01:90:02", true, BE),
      e("192.0.2.101", N1, false, BE),
      e("192.0.2.102", N3, false, BE),
      e("192.0.2.200", STATIC1, true, BE),
      e("192.0.2.250", "00:50:56:a1:0c:02", true, BE),
      e("10.0.0.10", "0c:99:68:69:00:00", true, "MgmtEth0/RP0/CPU0/0"),
      e("10.0.0.1", "52:54:00:4e:11:56", false, "MgmtEth0/RP0/CPU0/0"),
    ],
    absent: ["192.0.2.103"],
  },
  {
    file: "cisco-iosxr-vrf-all.txt",
    parse: parseCiscoIosxr,
    entries: [
      e("198.51.100.101", N1, false, XR_SUB),
      e("198.51.100.102", N2, false, XR_SUB),
      e("198.51.100.103", N3, false, XR_SUB),
      e("198.51.100.10", "0c:99:68:69:00:03", true, XR_SUB),
      e("192.168.57.1", "52:54:00:4e:11:56", false, "MgmtEth0/RP0/CPU0/0"),
    ],
    absent: [],
  },
  {
    file: "cisco-asa.txt",
    parse: parseCiscoAsa,
    entries: [
      e("203.0.113.1", "44:4e:6d:f8:b9:7e", false, "outside"),
      e("192.0.2.101", N1, false, "inside"),
      e("192.0.2.102", N2, false, "inside"),
      e("192.0.2.103", N3, false, "inside"),
      e("192.0.2.200", STATIC1, true, "inside"),
      e("172.19.0.5", "00:0c:29:11:eb:c4", true, "dmz"),
      e("10.0.100.1", "24:01:c7:5e:3a:cb", false, "inside-v100"),
    ],
    absent: [],
  },
  {
    file: "huawei-vrp-display-arp-all.txt",
    parse: parseHuaweiVrp,
    entries: [
      e("192.0.2.254", "4c:f5:5b:2e:3d:0a", true, "Eth-Trunk1.100"),
      e("192.0.2.101", N1, false, "Eth-Trunk1.100"),
      e("192.0.2.102", N3, false, "Eth-Trunk1.100"),
      e("192.0.2.200", STATIC1, true, "Eth-Trunk1.100"),
      e("198.51.100.101", N2, false, "GE0/2/13.203", "PROD"),
      e("198.51.100.254", "4c:f5:5b:2e:3d:18", true, "GE0/2/13.203", "PROD"),
      e("192.0.2.101", "74:c9:9a:e5:f1:47", false, "GE0/2/13.1003", "OM-3G"),
      e("10.99.0.1", "00:e0:fc:12:34:56", true, undefined, "MGMT"),
    ],
    absent: ["192.0.2.103"],
  },
  {
    file: "huawei-vrp-display-arp-brief.txt",
    parse: parseHuaweiVrp,
    entries: [
      e("192.0.2.254", "60:de:44:74:96:40", true, "Vlanif100"),
      e("192.0.2.101", N1, false, "GE0/0/1"),
      e("192.0.2.102", N2, false, "GE0/0/2"),
      e("192.0.2.103", N3, false, "Wlan-Bss7"),
      e("192.0.2.210", "00:1a:4a:48:be:5a", true, "Vlanif100"),
    ],
    absent: [],
  },
  {
    file: "hpe-comware-display-arp.txt",
    parse: parseHpeComware,
    entries: [
      e("192.0.2.1", N1, false, "BAGG1"),
      e("192.0.2.101", N1, false, "BAGG1"),
      e("192.0.2.102", N2, false, "XGE1/0/48"),
      e("192.0.2.103", N3, false, "BAGG2"),
      e("192.0.2.200", STATIC1, true),
      e("192.0.2.210", "00:50:56:a1:0c:02", true, "BAGG1"),
      e("10.20.10.1", "00:1e:c1:dc:fc:01", false, "M-GE0/0/0"),
    ],
    absent: ["192.0.2.104"],
  },
  {
    file: "hpe-comware5-display-arp.txt",
    parse: parseHpeComware,
    entries: [e("192.0.2.101", N1, false, "Ethernet1/0/1"), e("192.0.2.102", N3, false, "Ethernet1/0/2"), e("192.0.2.200", STATIC1, true, "Ethernet1/0/24")],
    absent: [],
  },
  {
    file: "aruba-aoscx-all-vrfs.txt",
    parse: parseArubaAoscx,
    entries: [
      e("192.0.2.101", N1, false, "vlan100", "default"),
      e("192.0.2.102", N3, false, "vlan100", "default"),
      e("192.0.2.103", N3, false, "vlan100", "default"),
      e("192.0.2.200", STATIC1, true, "vlan100", "default"),
      e("10.20.30.40", "00:50:56:bd:6a:c5", false, "1/1/29", "red"),
      e("192.0.2.101", "00:50:56:bd:10:be", false, "1/1/32.10", "red"),
    ],
    absent: ["192.0.2.104", "192.0.2.105"],
  },
  {
    file: "arubaos-switch-show-arp.txt",
    parse: parseArubaosSwitch,
    entries: [
      e("192.0.2.101", N1, false, "2"),
      e("192.0.2.102", N2, false, "Trk1"),
      e("192.0.2.103", N3, false, "A24"),
      e("192.0.2.1", "00:00:0c:07:ac:01", true, "Trk2"),
      e("192.0.2.9", "00:15:b2:a4:50:78", false),
    ],
    absent: [],
  },
  {
    file: "fortios-get-system-arp.txt",
    parse: parseFortios,
    entries: [e("192.0.2.101", N1, false, "port1.100"), e("192.0.2.102", N2, false, "port1.100"), e("192.0.2.103", N3, false, "port1.100"), e("203.0.113.1", "3c:9b:d6:66:52:ab", false, "wan1")],
    absent: ["192.0.2.104"],
  },
  {
    file: "panos-show-arp-all.txt",
    parse: parsePanos,
    entries: [
      e("192.0.2.101", N1, false, "ae1.100"),
      e("192.0.2.102", N3, false, "ae1.100"),
      e("192.0.2.103", N3, false, "ae1.100"),
      e("192.0.2.200", STATIC1, true, "ae1.100"),
      e("203.0.113.1", "08:30:6b:26:43:30", false, "ethernet1/1"),
    ],
    absent: ["192.0.2.104"],
  },
  {
    file: "mikrotik-routeros-v6-terse.txt",
    parse: parseMikrotikRouteros,
    entries: [e("192.0.2.101", N1, false, "bridge-vip"), e("192.0.2.102", N3, false, "bridge-vip"), e("192.0.2.200", STATIC1, true, "bridge-vip"), e("203.0.113.1", "3c:9b:d6:66:52:ab", false, "ether1 uplink")],
    absent: ["192.0.2.103", "192.0.2.201"],
  },
  {
    file: "mikrotik-routeros-v7-terse.txt",
    parse: parseMikrotikRouteros,
    entries: [
      e("192.0.2.101", N1, false, "vlan100", "main"),
      e("192.0.2.102", N2, false, "vlan100", "main"),
      e("192.0.2.101", "02:00:00:aa:00:01", false, "vlan200", "tenant-b"),
      e("192.0.2.200", STATIC1, true, "vlan100", "main"),
    ],
    absent: ["192.0.2.103"],
  },
  {
    file: "extreme-exos-show-iparp.txt",
    parse: parseExtremeExos,
    entries: [
      e("192.0.2.101", N1, false, "vips", "VR-Default"),
      e("192.0.2.102", N3, false, "vips", "VR-Default"),
      e("192.0.2.200", STATIC1, true, "vips", "VR-Default"),
      e("10.128.32.8", "00:01:30:ba:6a:a0", false, "Default", "VR-Default"),
    ],
    absent: ["192.0.2.103", "0.0.0.0"],
  },
  {
    file: "cisco-nxos-detail.txt",
    parse: parseCiscoNxos,
    entries: [
      e("192.0.2.101", N1, false, "Vlan100", "default"),
      e("192.0.2.102", N3, false, "Vlan100", "default"),
      e("192.0.2.200", STATIC1, true, undefined, "default"),
      e("192.0.2.1", N1, false, "Ethernet1/2.100", "default"),
      e("192.0.2.5", "00:00:0c:9f:f0:64", true, "Vlan100", "default"),
    ],
    absent: ["192.0.2.103", "192.0.2.104"],
  },
  {
    file: "cisco-nxos-detail-vrf-all.txt",
    parse: parseCiscoNxos,
    entries: [
      e("10.255.0.1", "14:a2:a0:70:52:a0", false, "mgmt0", "management"),
      e("192.0.2.101", N1, false, "Vlan100", "default"),
      e("192.0.2.102", N2, false, "Vlan100", "default"),
      e("192.0.2.101", "c8:e7:f0:fb:d6:a7", false, "Vlan3", "PRIMARY"),
      e("192.0.2.102", "d0:d0:fd:61:ec:c1", false, "Vlan3", "PRIMARY"),
      e("192.0.2.104", "00:00:0c:9f:f0:03", true, "Vlan3", "PRIMARY"),
    ],
    absent: ["192.0.2.103"],
  },
];

describe("fixtures of the added platforms", () => {
  for (const c of CASES) {
    it(`${c.file}: exactly the complete entries it shows`, () => expectFixture(c));
  }

  it("every fixture of an added platform says where its format comes from", async () => {
    const { readFileSync } = await import("node:fs");
    for (const c of CASES) {
      const raw = readFileSync(new URL(`../fixtures/router-cli/${c.file}`, import.meta.url), "utf8");
      expect(raw.split("\n")[0], c.file).toMatch(/^#\| Format: .+/);
    }
  });
});

describe("the platform table", () => {
  it("lists the platforms of the contract, each with a command, a parser and the privilege it needs", () => {
    expect(PLATFORM_NAMES).toEqual([
      "linux", "cisco-ios", "arista-eos", "cisco-nxos", "junos", "cisco-iosxr", "cisco-asa", "huawei-vrp",
      "hpe-comware", "aruba-aoscx", "arubaos-switch", "fortios", "panos", "mikrotik-routeros", "extreme-exos",
    ]);
    const commands = Object.fromEntries(PLATFORM_NAMES.map((p) => [p, PLATFORMS[p].command]));
    expect(commands).toEqual({
      linux: "ip -j neigh",
      "cisco-ios": "show ip arp",
      "arista-eos": "show ip arp",
      "cisco-nxos": "show ip arp",
      junos: "show arp no-resolve",
      "cisco-iosxr": "show arp",
      "cisco-asa": "show arp",
      "huawei-vrp": "display arp all",
      "hpe-comware": "display arp",
      "aruba-aoscx": "show arp all-vrfs",
      "arubaos-switch": "show arp",
      fortios: "get system arp",
      panos: "show arp all",
      "mikrotik-routeros": "/ip arp print terse without-paging",
      "extreme-exos": "show iparp",
    });
    expect(PLATFORMS["cisco-iosxr"].parse).toBe(parseCiscoIosxr);
    expect(PLATFORMS["extreme-exos"].parse).toBe(parseExtremeExos);
    for (const p of PLATFORM_NAMES) expect(PLATFORMS[p].privilege.length, p).toBeGreaterThan(5);
  });

  it("is what the config schema accepts as platform", () => {
    const router = (platform: string) => ({ vips: ["192.0.2.101"], nodes: [{ name: "n", address: "h" }], routers: [{ name: "r", type: "ssh", address: "h", platform }] });
    for (const p of PLATFORM_NAMES) expect(configSchema.safeParse(router(p)).success, p).toBe(true);
    expect(configSchema.safeParse(router("cisco-catos")).success).toBe(false);
  });
});

describe("each added parser refuses what is not its output", () => {
  const own: [CliParser, string][] = [
    [parseCiscoIosxr, "cisco-iosxr-show-arp.txt"],
    [parseCiscoAsa, "cisco-asa.txt"],
    [parseHuaweiVrp, "huawei-vrp-display-arp-all.txt"],
    [parseHpeComware, "hpe-comware-display-arp.txt"],
    [parseArubaAoscx, "aruba-aoscx-all-vrfs.txt"],
    [parseArubaosSwitch, "arubaos-switch-show-arp.txt"],
    [parseFortios, "fortios-get-system-arp.txt"],
    [parsePanos, "panos-show-arp-all.txt"],
    [parseMikrotikRouteros, "mikrotik-routeros-v7-terse.txt"],
    [parseExtremeExos, "extreme-exos-show-iparp.txt"],
  ];

  it("another platform's table is an error, never an empty or invented reading", () => {
    for (const [parse, mine] of own) {
      for (const [, other] of own) {
        if (other === mine) continue;
        const r = parse(fixture(other));
        expect(r.errors.length, `${mine} parser on ${other}`).toBeGreaterThan(0);
      }
    }
  });

  it("a stray line quotes itself and says it is no row, header or footer", () => {
    const r = parseFortios("Address           Age(min)   Hardware Addr      Interface\nCommand fail. Return code -61\n192.0.2.101       0          00:1a:4a:48:be:4b port1\n");
    expect(r.entries).toEqual([e("192.0.2.101", N1, false, "port1")]);
    expect(r.errors).toEqual([{ line: 2, text: "Command fail. Return code -61", reason: "neither an ARP row nor a header or footer of `get system arp` output" }]);
  });

  it("rows with a bad column are errors on their line", () => {
    const cases: [CliParser, string, RegExp][] = [
      [parseCiscoIosxr, "192.0.2.101     01:25:23   001a.4a48.be4b  Learning   ARPA  Gi0/0/0/0", /unknown ARP state "Learning"/],
      [parseCiscoIosxr, "192.0.2.101     01:25:23   001a.4a48.be4b  Dynamic    ARPA", /expected 6 columns/],
      [parseCiscoAsa, "        inside 192.0.2.101 001a.4a48.be4b soon", /invalid age "soon"/],
      [parseHuaweiVrp, "192.0.2.101     001a-4a48-be4b  19        X-0         GE0/0/1", /invalid TYPE "X-0"/],
      [parseHpeComware, "192.0.2.101     001a-4a48-be4b 100           BAGG1                    757   Q", /invalid type "Q"/],
      [parseArubaAoscx, "192.0.2.101      00:1a:4a:48:be:4b  vlan100      lag1                       sleepy     default", /unknown ARP state "sleepy"/],
      [parseArubaosSwitch, "  192.0.2.101     001a4a-48be4b     learned 2", /invalid type "learned"/],
      [parseFortios, "192.0.2.101       0          00:1a:4a:48:be:4b", /expected 4 columns/],
      [parsePanos, "ae1.100           192.0.2.101     00:1a:4a:48:be:4b ae1.100             x      627", /invalid status "x"/],
      [parseMikrotikRouteros, ' 0 DC address=192.0.2.101 mac-address=00:1A:4A:48:BE:4B interface="unterminated', /unexpected text/],
      [parseMikrotikRouteros, " 0 DZ address=192.0.2.101 mac-address=00:1A:4A:48:BE:4B", /unknown flags "DZ"/],
      [parseExtremeExos, "VR-Default    192.0.2.101      00:1a:4a:48:be:4b   20   MAYBE  vips          100   1:25", /invalid Static column "MAYBE"/],
      [parseCiscoNxos, "Address         Age       MAC Address     Interface        Physical Interface  Flags    VRF Name\n192.0.2.101     00:09:24  001a.4a48.be4b  Vlan100          port-channel1  ++  bad/vrf", /invalid VRF Name/],
    ];
    for (const [parse, text, reason] of cases) {
      const r = parse(text);
      expect(r.entries, text).toEqual([]);
      expect(r.errors, text).toHaveLength(1);
      expect(r.errors[0]!.reason, text).toMatch(reason);
      expect(r.errors[0]!.text, text).toBe(text.split("\n").pop()!.trim());
    }
  });

  it("accepts every common MAC notation in the MAC column", () => {
    const rows: [CliParser, (mac: string) => string][] = [
      [parseCiscoIosxr, (m) => `192.0.2.101  01:25:23  ${m}  Dynamic  ARPA  Gi0/0/0/0`],
      [parseCiscoAsa, (m) => `inside 192.0.2.101 ${m} 15`],
      [parseHuaweiVrp, (m) => `192.0.2.101  ${m}  19  D-0  GE0/0/1`],
      [parseHpeComware, (m) => `192.0.2.101  ${m}  100  BAGG1  757  D`],
      [parseArubaAoscx, (m) => `192.0.2.101  ${m}  vlan100  lag1  reachable  default`],
      [parseArubaosSwitch, (m) => `192.0.2.101  ${m}  dynamic  2`],
      [parseFortios, (m) => `192.0.2.101  0  ${m}  port1`],
      [parsePanos, (m) => `ae1  192.0.2.101  ${m}  ae1  c  627`],
      [parseMikrotikRouteros, (m) => `0 DC address=192.0.2.101 mac-address=${m} interface=ether1`],
      [parseExtremeExos, (m) => `VR-Default  192.0.2.101  ${m}  20  NO  vips  100  1:25`],
    ];
    for (const [parse, row] of rows) {
      for (const mac of ["001a.4a48.be4b", "001A-4A48-BE4B", "00:1a:4a:48:be:4b", "00-1A-4A-48-BE-4B", "001a4a-48be4b"]) {
        const r = parse(row(mac));
        expect(r.errors, row(mac)).toEqual([]);
        expect(r.entries.map((x) => x.mac), row(mac)).toEqual([N1]);
      }
    }
  });

  it("an empty table is no entries and no errors", () => {
    for (const [parse] of own) expect(parse("")).toEqual({ entries: [], errors: [] });
    expect(parseHuaweiVrp("IP ADDRESS      MAC ADDRESS     EXPIRE(M) TYPE        INTERFACE   VPN-INSTANCE\n------\nTotal:0         Dynamic:0       Static:0     Interface:0\n")).toEqual({ entries: [], errors: [] });
  });

  it("a device error is an error, not an empty table", () => {
    for (const [parse] of own) {
      const r = parse("% Invalid input detected at '^' marker.\n");
      expect(r.entries).toEqual([]);
      expect(r.errors.map((x) => x.line)).toEqual([1]);
    }
  });
});
