// Every fixture parsed to exactly the entries it shows (expectations written by reading the
// fixture files), plus the error and edge cases each parser must handle.
import { describe, expect, it } from "vitest";
import {
  parseAristaEos,
  parseCiscoIos,
  parseCiscoNxos,
  parseJunos,
  parseLinux,
  PLATFORMS,
} from "../../src/sources/router-cli/index.js";
import { e, expectFixture, fixture, N1, N2, N3, type FixtureCase } from "./fixtures.js";

const GI = "GigabitEthernet0/0/1";
const CASES: FixtureCase[] = [
  {
    file: "cisco-ios-core.txt",
    parse: parseCiscoIos,
    entries: [
      e("192.0.2.1", N1, false, GI),
      e("192.0.2.2", N2, false, GI),
      e("192.0.2.3", N3, false, GI),
      e("192.0.2.101", N1, false, GI),
      e("192.0.2.102", N3, false, GI),
      e("192.0.2.103", N3, false, GI),
      e("192.0.2.200", "00:50:56:a1:0c:01", true, GI),
      e("192.0.2.254", "70:e4:22:5a:5e:01", true, GI),
      e("198.51.100.1", "52:54:00:12:34:56", false, "GigabitEthernet0/0/0.100"),
      e("198.51.100.254", "70:e4:22:5a:5e:00", true, "GigabitEthernet0/0/0.100"),
    ],
    absent: ["192.0.2.104"],
  },
  {
    file: "cisco-ios-xe-timestamps.txt",
    parse: parseCiscoIos,
    entries: [
      e("10.20.0.1", "00:00:0c:07:ac:0a", true, "Vlan10"),
      e("10.20.0.2", "a0:ec:f9:d1:22:40", true, "Vlan10"),
      e("10.20.0.101", N1, false, "Vlan10"),
      e("10.20.0.103", N3, false, "Vlan10"),
      e("10.0.0.0", "aa:bb:cc:03:82:00", true),
    ],
    absent: ["10.20.0.102"],
  },
  {
    file: "cisco-nxos-default.txt",
    parse: parseCiscoNxos,
    entries: [
      e("192.0.2.1", N1, false, "Vlan100", "default"),
      e("192.0.2.2", N2, false, "Vlan100", "default"),
      e("192.0.2.3", N3, false, "Vlan100", "default"),
      e("192.0.2.5", "00:00:0c:9f:f0:64", true, "Vlan100", "default"),
      e("192.0.2.101", N1, false, "Vlan100", "default"),
      e("192.0.2.102", N3, false, "Vlan100", "default"),
      e("192.0.2.200", "00:50:56:a1:0c:01", true, "Vlan300", "default"),
    ],
    absent: ["192.0.2.103", "192.0.2.104"],
  },
  {
    file: "cisco-nxos-all-contexts.txt",
    parse: parseCiscoNxos,
    entries: [
      e("10.3.1.101", "d4:6d:50:31:88:b0", false, "mgmt0"),
      e("10.3.0.250", "00:00:0c:9f:fa:14", false, "mgmt0"),
      e("198.51.100.101", "8c:60:4f:12:00:12", false, "Ethernet1/1.2151"),
      e("198.51.100.102", "70:e4:22:5a:5e:6a", false, "Ethernet1/2.2151"),
      e("10.215.51.250", "00:00:0c:9f:f9:d3", true, "Vlan2515"),
    ],
    absent: [],
  },
  {
    file: "cisco-nxos-vrf-prod.txt",
    parse: parseCiscoNxos,
    entries: [
      e("203.0.113.101", "fa:16:3e:ff:09:87", false, "Vlan101", "PROD"),
      e("203.0.113.102", "fa:16:3e:ff:c2:71", false, "Vlan101", "PROD"),
      e("203.0.113.103", "fa:16:3e:ff:e4:78", false, "Vlan101", "PROD"),
    ],
    absent: [],
  },
  {
    file: "arista-eos-vrf-all.txt",
    parse: parseAristaEos,
    entries: [
      e("10.0.0.1", "00:1c:73:00:00:01", false, "Management1", "MGMT"),
      e("192.0.2.1", N1, false, "Vlan100", "default"),
      e("192.0.2.101", N1, false, "Vlan100", "default"),
      e("192.0.2.102", N3, false, "Vlan100", "default"),
      e("192.0.2.103", N3, false, "Vlan100", "default"),
      e("192.0.2.200", "00:02:00:ff:55:5e", true, "Vlan100", "default"),
      e("198.51.100.9", "52:54:00:ab:cd:ef", false, "Vlan200", "default"),
    ],
    absent: [],
  },
  {
    file: "arista-eos-default.txt",
    parse: parseAristaEos,
    entries: [
      e("192.0.2.101", N1, false, "Vlan100"),
      e("192.0.2.102", N2, false, "Vlan100"),
      e("192.0.2.103", N3, true, "Vlan100"),
      e("192.0.2.250", "00:1c:73:11:22:33", false, "Ethernet49/1"),
    ],
    absent: [],
  },
  {
    file: "junos-mx-no-resolve.txt",
    parse: parseJunos,
    entries: [
      e("192.0.2.1", N1, false, "ge-0/0/1.0"),
      e("192.0.2.2", N2, false, "ge-0/0/1.0"),
      e("192.0.2.3", N3, false, "ge-0/0/1.0"),
      e("192.0.2.101", N1, false, "ge-0/0/1.0"),
      e("192.0.2.102", N3, false, "ge-0/0/1.0"),
      e("192.0.2.103", N3, false, "ge-0/0/1.0"),
      e("192.0.2.200", "00:50:56:a1:0c:01", true, "ge-0/0/1.0"),
      e("10.1.0.1", "00:50:56:ff:ba:6f", false, "fxp0.0"),
    ],
    absent: [],
  },
  {
    file: "junos-ex-irb.txt",
    parse: parseJunos,
    entries: [
      e("198.51.100.101", N1, false, "irb.100"),
      e("198.51.100.102", N2, false, "irb.100"),
      e("198.51.100.103", N3, false, "irb.100"),
      e("198.51.100.1", "00:00:5e:00:01:64", true, "irb.100"),
      e("198.51.100.250", "52:54:00:12:34:56", true, "irb.100"),
      e("172.16.64.16", "00:50:56:ff:c5:c3", false, "em1.0"),
    ],
    absent: [],
  },
  {
    file: "linux-ip-j-neigh.txt",
    parse: parseLinux,
    entries: [
      e("192.0.2.1", N1, false, "eth0"),
      e("192.0.2.2", N2, false, "eth0"),
      e("192.0.2.3", N3, false, "eth0"),
      e("192.0.2.101", N1, false, "eth0"),
      e("192.0.2.102", N3, false, "eth0"),
      e("192.0.2.103", N3, false, "eth0"),
      e("192.0.2.200", "00:50:56:a1:0c:01", true, "eth0"),
      e("224.0.0.22", "01:00:5e:00:00:16", true, "eth0"),
      e("fe80::5054:ff:fe12:3456", "52:54:00:12:34:56", false, "eth0"),
    ],
    absent: ["192.0.2.104", "192.0.2.105", "10.99.0.2", "fd00::1"],
  },
  {
    file: "linux-ip-j-p-neigh.txt",
    parse: parseLinux,
    entries: [
      e("198.51.100.101", "02:00:00:00:00:01", false, "veth-r0"),
      e("198.51.100.102", "02:00:00:00:00:01", false, "veth-r0"),
      e("198.51.100.3", "02:00:00:00:00:03", false, "veth-r0"),
    ],
    absent: ["198.51.100.103"],
  },
  {
    file: "linux-ip-neigh-text.txt",
    parse: parseLinux,
    entries: [
      e("192.0.2.1", N1, false, "eth0"),
      e("192.0.2.101", N1, false, "eth0"),
      e("192.0.2.102", N3, false, "eth0"),
      e("192.0.2.200", "00:50:56:a1:0c:01", true, "eth0"),
      e("192.0.2.210", "00:50:56:a1:0c:02", false, "eth0"),
      e("fe80::5054:ff:fe12:3456", "52:54:00:12:34:56", false, "eth0"),
    ],
    absent: ["192.0.2.103", "192.0.2.104", "fd00::1"],
  },
];

describe("fixtures", () => {
  for (const c of CASES) {
    it(`${c.file}: exactly the complete entries it shows`, () => expectFixture(c));
  }
});

describe("platform table", () => {
  it("maps each platform to its fixed command and parser", () => {
    expect(PLATFORMS.linux).toMatchObject({ command: "ip -j neigh", parse: parseLinux });
    expect(PLATFORMS["cisco-ios"]).toMatchObject({ command: "show ip arp", parse: parseCiscoIos });
    expect(PLATFORMS["arista-eos"]).toMatchObject({ command: "show ip arp", parse: parseAristaEos });
    expect(PLATFORMS["cisco-nxos"]).toMatchObject({ command: "show ip arp", parse: parseCiscoNxos });
    expect(PLATFORMS.junos).toMatchObject({ command: "show arp no-resolve", parse: parseJunos });
  });
});

describe("unreadable output is reported with its line", () => {
  it("cisco-ios: a row with a bad MAC is an error on its line, the rest still parse", () => {
    const r = parseCiscoIos(fixture("cisco-ios-broken.txt"));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 7, reason: expect.stringContaining("001a.4a48.be4c.00ff") });
    expect(r.errors[0]!.text).toContain("192.0.2.103");
    expect(r.entries.map((x) => x.ip)).toEqual(["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.101", "192.0.2.102"]);
  });

  it("a device error message is an error, not an empty table", () => {
    for (const parse of [parseCiscoIos, parseCiscoNxos, parseAristaEos]) {
      const r = parseCiscoNxos === parse ? parse(fixture("cisco-nxos-invalid-command.txt")) : parse("% Invalid input detected at '^' marker.\n");
      expect(r.entries).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]!.text).toContain("Invalid input");
    }
    const j = parseJunos("\nerror: syntax error, expecting <command>: no-reslove\n");
    expect(j.errors).toEqual([{ line: 2, text: "error: syntax error, expecting <command>: no-reslove", reason: expect.any(String) }]);
    const l = parseLinux('Object "neigh" is unknown, try "ip help".\n');
    expect(l.errors[0]).toMatchObject({ line: 1 });
  });

  it("cisco-ios: wrong column count and a bad address", () => {
    const text = [
      "Protocol  Address          Age (min)  Hardware Addr   Type   Interface",
      "Internet  192.0.2.101             4   001a.4a48.be4b",
      "Internet  192.0.2.300             4   001a.4a48.be4b  ARPA   Gi0/1",
      "Internet  192.0.2.102           old   001a.4a48.be4b  ARPA   Gi0/1",
      "Internet  192.0.2.103             4   001a.4a48.be4b  ARPA   Gi0/1  extra",
      "Inet      192.0.2.104             4   001a.4a48.be4b  ARPA   Gi0/1",
    ].join("\n");
    const r = parseCiscoIos(text);
    expect(r.entries).toEqual([]);
    expect(r.errors.map((x) => x.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it("nx-os: an unknown trailing column and a bad age are errors", () => {
    const r = parseCiscoNxos(["192.0.2.101  00:04:12  001a.4a48.be4b  Vlan100  what?", "192.0.2.102  soon  001a.4a48.be4b  Vlan100"].join("\n"));
    expect(r.entries).toEqual([]);
    expect(r.errors.map((x) => x.line)).toEqual([1, 2]);
  });

  it("eos: a row without a MAC column is an error", () => {
    const r = parseAristaEos("Address         Age (sec)  Hardware Addr   Interface\n192.0.2.101  0:00:01\n");
    expect(r.entries).toEqual([]);
    expect(r.errors).toEqual([{ line: 2, text: "192.0.2.101  0:00:01", reason: expect.stringContaining("columns") }]);
  });

  it("junos: a row with an IP where the MAC belongs, and one with too many columns", () => {
    const r = parseJunos(
      ["MAC Address       Address         Interface                Flags", "192.0.2.101 00:1a:4a:48:be:4b ge-0/0/1.0 none", "00:1a:4a:48:be:4b 192.0.2.101 a b c none"].join("\n"),
    );
    expect(r.entries).toEqual([]);
    expect(r.errors.map((x) => x.line)).toEqual([2, 3]);
  });

  it("linux JSON: invalid JSON, a non-array and bad items carry line numbers", () => {
    const truncated = '[{"dst":"192.0.2.1","dev":"eth0","lladdr":"00:1a:4a:48:be:4b","state":["REACHABLE"]},{"dst":"192.0.';
    const t = parseLinux(truncated);
    expect(t.entries).toEqual([]);
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]!.reason).toMatch(/invalid JSON/);

    expect(parseLinux('{"dst":"192.0.2.1"}').errors[0]!.reason).toMatch(/array/);

    const pretty = ['[ {', '  "dst": "192.0.2.1", "dev": "eth0", "lladdr": "zz:zz", "state": [ "REACHABLE" ]', '},{', '  "dst": "192.0.2.2", "dev": "eth0", "lladdr": "00:1a:4a:48:be:ef", "state": [ "BOGUS" ]', '},{', '  "dst": "192.0.2.3", "dev": "eth0", "lladdr": "00:1a:4a:48:be:4c", "state": [ "STALE" ]', "} ]"].join("\n");
    const p = parseLinux(pretty);
    expect(p.entries).toEqual([e("192.0.2.3", N3, false, "eth0")]);
    expect(p.errors.map((x) => [x.line, x.reason])).toEqual([
      [2, 'invalid lladdr "zz:zz"'],
      [4, 'unknown neighbour state "BOGUS"'],
    ]);
  });

  it("linux text: an unknown token or state is an error", () => {
    const r = parseLinux("192.0.2.1 dev eth0 lladdr 00:1a:4a:48:be:4b REACHBLE\n192.0.2.2 dev eth0 lladdr 00:1a:4a:48:be:ef {weird} STALE\n");
    expect(r.entries).toEqual([]);
    expect(r.errors.map((x) => x.line)).toEqual([1, 2]);
  });

  it("linux text: output that is not `ip neigh` at all is an error, not an empty table", () => {
    const r = parseLinux("bash: ip: command not found\n0[{garbage\n");
    expect(r.entries).toEqual([]);
    expect(r.errors.map((x) => x.line)).toEqual([1, 2]);
    expect(r.errors[0]!.reason).toMatch(/not an `ip neigh` row/);
  });
});

describe("edge cases", () => {
  it("an empty table is no entries and no errors", () => {
    for (const parse of [parseLinux, parseCiscoIos, parseCiscoNxos, parseAristaEos, parseJunos]) {
      expect(parse("")).toEqual({ entries: [], errors: [] });
    }
    expect(parseLinux("[]\n")).toEqual({ entries: [], errors: [] });
    expect(parseJunos("MAC Address       Address         Interface                Flags\nTotal entries: 0\n")).toEqual({ entries: [], errors: [] });
  });

  it("accepts any common MAC notation in the MAC column", () => {
    for (const mac of ["001a.4a48.be4b", "001A.4A48.BE4B", "00:1a:4a:48:be:4b", "00-1A-4A-48-BE-4B", "001a4a48be4b"]) {
      expect(parseCiscoNxos(`192.0.2.101  00:01:00  ${mac}  Vlan100`).entries).toEqual([e("192.0.2.101", N1, false, "Vlan100")]);
    }
  });

  it("linux: FAILED with a stale lladdr is still not an entry; NOARP/PERMANENT are static", () => {
    const r = parseLinux(
      JSON.stringify([
        { dst: "192.0.2.101", dev: "eth0", lladdr: N1, state: ["FAILED"] },
        { dst: "192.0.2.102", dev: "eth0", lladdr: N2, state: ["PERMANENT"] },
        { dst: "192.0.2.103", dev: "eth0", lladdr: "00:00:00:00:00:00", state: ["NOARP"] },
      ]),
    );
    expect(r).toEqual({ entries: [e("192.0.2.102", N2, true, "eth0")], errors: [] });
  });

  it("junos: `show arp` with a Name column and `expiration-time` TTE column", () => {
    const r = parseJunos(
      [
        "MAC Address       Address         Name                      Interface               Flags",
        "00:1a:4a:48:be:4b 192.0.2.101     vip1.example.net          ge-0/0/1.0              none",
        "MAC Address       Address         Interface     TTE       Flags",
        "00:1a:4a:48:be:4c 192.0.2.102     ge-0/0/1.0    1105      none",
      ].join("\n"),
    );
    expect(r).toEqual({ entries: [e("192.0.2.101", N1, false, "ge-0/0/1.0"), e("192.0.2.102", N3, false, "ge-0/0/1.0")], errors: [] });
  });
});
