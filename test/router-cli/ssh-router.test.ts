// createSshRouterSource against a real SSH server on 127.0.0.1 (ssh2 Server answering the
// exec with fixture content) through the project's SshConnection.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RouterPlatform, SshRouterConfig } from "../../src/config/types.js";
import { silentLogger } from "../../src/log.js";
import { SshConnection } from "../../src/sources/ssh/connection.js";
import { createSshRouterSource } from "../../src/sources/ssh-router.js";
import type { RouterSource } from "../../src/sources/types.js";
import { startCliServer, type CliReply, type CliServer } from "./cli-server.js";
import { fixture, N1, N2, N3 } from "./fixtures.js";

let reply: (command: string) => CliReply = () => ({ stdout: "" });
let server: CliServer;
const sources: RouterSource[] = [];

beforeAll(async () => {
  server = await startCliServer((command) => reply(command));
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  server.commands.length = 0;
});
afterAll(async () => {
  await server.close();
});

function cfg(platform: RouterPlatform, extra: Partial<SshRouterConfig> = {}): SshRouterConfig {
  return { type: "ssh", name: "core-s1", host: server.host, port: server.port, platform, ssh: server.settings, timeoutMs: 5000, ...extra };
}

function source(platform: RouterPlatform, extra: Partial<SshRouterConfig> = {}): RouterSource {
  const c = cfg(platform, extra);
  const runner = new SshConnection({ name: c.name, host: c.host, port: c.port, settings: { ...c.ssh, timeoutMs: c.timeoutMs }, log: silentLogger() });
  const s = createSshRouterSource(c, runner, silentLogger());
  sources.push(s);
  return s;
}

const VIPS = ["192.0.2.101", "192.0.2.102", "192.0.2.103", "192.0.2.104"];

describe("reads each platform's table over SSH", () => {
  const cases: { platform: RouterPlatform; file: string; command: string; entries: unknown[] }[] = [
    {
      platform: "cisco-ios",
      file: "cisco-ios-core.txt",
      command: "show ip arp",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "GigabitEthernet0/0/1" },
        { vip: "192.0.2.102", mac: N3, static: false, interface: "GigabitEthernet0/0/1" },
        { vip: "192.0.2.103", mac: N3, static: false, interface: "GigabitEthernet0/0/1" },
      ],
    },
    {
      platform: "cisco-nxos",
      file: "cisco-nxos-default.txt",
      command: "show ip arp",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "Vlan100" },
        { vip: "192.0.2.102", mac: N3, static: false, interface: "Vlan100" },
      ],
    },
    {
      platform: "arista-eos",
      file: "arista-eos-default.txt",
      command: "show ip arp",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "Vlan100" },
        { vip: "192.0.2.102", mac: "00:1a:4a:48:be:ef", static: false, interface: "Vlan100" },
        { vip: "192.0.2.103", mac: N3, static: true, interface: "Vlan100" },
      ],
    },
    {
      platform: "junos",
      file: "junos-mx-no-resolve.txt",
      command: "show arp no-resolve",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "ge-0/0/1.0" },
        { vip: "192.0.2.102", mac: N3, static: false, interface: "ge-0/0/1.0" },
        { vip: "192.0.2.103", mac: N3, static: false, interface: "ge-0/0/1.0" },
      ],
    },
    {
      platform: "cisco-iosxr",
      file: "cisco-iosxr-show-arp.txt",
      command: "show arp",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "Bundle-Ether10.100" },
        { vip: "192.0.2.102", mac: N3, static: false, interface: "Bundle-Ether10.100" },
      ],
    },
    {
      platform: "cisco-asa",
      file: "cisco-asa.txt",
      command: "show arp",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "inside" },
        { vip: "192.0.2.102", mac: N2, static: false, interface: "inside" },
        { vip: "192.0.2.103", mac: N3, static: false, interface: "inside" },
      ],
    },
    {
      platform: "huawei-vrp",
      file: "huawei-vrp-display-arp-brief.txt",
      command: "display arp all",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "GE0/0/1" },
        { vip: "192.0.2.102", mac: N2, static: false, interface: "GE0/0/2" },
        { vip: "192.0.2.103", mac: N3, static: false, interface: "Wlan-Bss7" },
      ],
    },
    {
      platform: "hpe-comware",
      file: "hpe-comware5-display-arp.txt",
      command: "display arp",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "Ethernet1/0/1" },
        { vip: "192.0.2.102", mac: N3, static: false, interface: "Ethernet1/0/2" },
      ],
    },
    {
      platform: "arubaos-switch",
      file: "arubaos-switch-show-arp.txt",
      command: "show arp",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "2" },
        { vip: "192.0.2.102", mac: N2, static: false, interface: "Trk1" },
        { vip: "192.0.2.103", mac: N3, static: false, interface: "A24" },
      ],
    },
    {
      platform: "fortios",
      file: "fortios-get-system-arp.txt",
      command: "get system arp",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "port1.100" },
        { vip: "192.0.2.102", mac: N2, static: false, interface: "port1.100" },
        { vip: "192.0.2.103", mac: N3, static: false, interface: "port1.100" },
      ],
    },
    {
      platform: "panos",
      file: "panos-show-arp-all.txt",
      command: "show arp all",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "ae1.100" },
        { vip: "192.0.2.102", mac: N3, static: false, interface: "ae1.100" },
        { vip: "192.0.2.103", mac: N3, static: false, interface: "ae1.100" },
      ],
    },
    {
      platform: "mikrotik-routeros",
      file: "mikrotik-routeros-v6-terse.txt",
      command: "/ip arp print terse without-paging",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "bridge-vip" },
        { vip: "192.0.2.102", mac: N3, static: false, interface: "bridge-vip" },
      ],
    },
    {
      platform: "extreme-exos",
      file: "extreme-exos-show-iparp.txt",
      command: "show iparp",
      entries: [
        { vip: "192.0.2.101", mac: N1, static: false, interface: "vips" },
        { vip: "192.0.2.102", mac: N3, static: false, interface: "vips" },
      ],
    },
  ];
  for (const c of cases) {
    it(`${c.platform}: runs \`${c.command}\` and returns the VIPs' complete entries`, async () => {
      reply = (command) => (command === c.command ? { stdout: fixture(c.file) } : { stderr: `unexpected command ${command}\n`, code: 127 });
      const s = source(c.platform);
      expect(s.kind).toBe("ssh");
      expect(s.name).toBe("core-s1");
      // Reversed request order: the reading follows the order asked for; absent VIPs are left out.
      const reading = await s.read([...VIPS].reverse());
      expect(reading).toEqual({ router: "core-s1", entries: [...c.entries].reverse() });
      expect(server.commands).toEqual([c.command]);
    });
  }

  it("reuses one connection for successive reads", async () => {
    reply = () => ({ stdout: fixture("cisco-ios-core.txt") });
    const s = source("cisco-ios");
    const before = server.connections();
    const a = await s.read(["192.0.2.200"]);
    const b = await s.read(["192.0.2.200", "192.0.2.104"]);
    const c = await s.read(["192.0.2.200"]);
    expect(a.entries).toEqual([{ vip: "192.0.2.200", mac: "00:50:56:a1:0c:01", static: true, interface: "GigabitEthernet0/0/1" }]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(server.commands).toEqual(["show ip arp", "show ip arp", "show ip arp"]);
    // Three reads, one TCP connection and one SSH login, counted at the server.
    const after = server.connections();
    expect({ tcp: after.tcp - before.tcp, ssh: after.ssh - before.ssh }).toEqual({ tcp: 1, ssh: 1 });
  });

  it("runs a validated command override verbatim", async () => {
    reply = () => ({ stdout: fixture("cisco-nxos-vrf-prod.txt") });
    const s = source("cisco-nxos", { command: "show ip arp vrf PROD" });
    const reading = await s.read(["203.0.113.103"]);
    expect(reading.entries).toEqual([{ vip: "203.0.113.103", mac: "fa:16:3e:ff:e4:78", static: false, interface: "Vlan101" }]);
    expect(server.commands).toEqual(["show ip arp vrf PROD"]);
  });

  it("linux with a command override reads the whole table as before", async () => {
    reply = (command) => (command === "ip -j neigh" ? { stdout: fixture("linux-ip-j-neigh.txt") } : { stderr: `unexpected command ${command}\n`, code: 127 });
    const reading = await source("linux", { command: "ip -j neigh" }).read([...VIPS].reverse());
    expect(reading.entries).toEqual([
      { vip: "192.0.2.103", mac: N3, static: false, interface: "eth0" },
      { vip: "192.0.2.102", mac: N3, static: false, interface: "eth0" },
      { vip: "192.0.2.101", mac: N1, static: false, interface: "eth0" },
    ]);
    expect(server.commands).toEqual(["ip -j neigh"]);
  });

  it("an empty neighbour table on linux is a reading with no entries", async () => {
    reply = () => ({ stdout: "[]\n" });
    expect(await source("linux", { command: "ip -j neigh" }).read(VIPS)).toEqual({ router: "core-s1", entries: [] });
  });
});

describe("failures are collector errors that say what went wrong", () => {
  it("a non-zero exit rejects with stderr's first line", async () => {
    reply = () => ({ stderr: "\nip: command not found\nsecond line\n", code: 127 });
    await expect(source("linux", { command: "ip -j neigh" }).read(VIPS)).rejects.toThrow(/exited with code 127: ip: command not found;/);
  });

  it("an unparseable row rejects quoting the line and its number", async () => {
    reply = () => ({ stdout: fixture("cisco-ios-broken.txt") });
    const err = await source("cisco-ios").read(VIPS).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^cannot parse `show ip arp` output from core-s1, line 7: Internet {2}192\.0\.2\.103 .*001a\.4a48\.be4c\.00ff/);
  });

  it("a device error printed with exit status 0 rejects rather than reading as empty", async () => {
    reply = () => ({ stdout: fixture("cisco-nxos-invalid-command.txt") });
    await expect(source("cisco-nxos").read(VIPS)).rejects.toThrow(/line 2: % Invalid input detected/);
  });

  it("the wrong platform for the output rejects", async () => {
    reply = () => ({ stdout: fixture("cisco-ios-core.txt") });
    await expect(source("junos").read(VIPS)).rejects.toThrow(/cannot parse `show arp no-resolve` output from core-s1, line 2: .*platform "junos"/);
  });

  it("no output at all from a router CLI rejects", async () => {
    reply = () => ({ stdout: "" });
    await expect(source("arista-eos").read(VIPS)).rejects.toThrow(/printed nothing/);
  });

  it("a command that never finishes rejects with a timeout", async () => {
    reply = () => ({ hang: true });
    await expect(source("cisco-ios", { timeoutMs: 300 }).read(VIPS)).rejects.toThrow(/timed out after 300 ms waiting for the command/);
  });

  it("refuses command overrides with shell metacharacters before connecting", () => {
    const runner = { exec: async () => ({ code: 0, stdout: "", stderr: "" }), close: async () => {} };
    for (const command of ["show ip arp; reboot", "show ip arp && id", "show $(id)", "show `id`", "ip neigh > /tmp/x", "", "show ip arp\nreload", "show 'x'"]) {
      expect(() => createSshRouterSource(cfg("cisco-ios", { command }), runner, silentLogger())).toThrow(/router core-s1: command .*(metacharacter|empty|may contain)/);
    }
    expect(() => createSshRouterSource(cfg("junos", { command: "show arp no-resolve | no-more" }), runner, silentLogger())).not.toThrow();
    // on a linux router the command goes to a shell, where "|" runs another program
    expect(() => createSshRouterSource(cfg("linux", { command: "ip -j neigh | sh" }), runner, silentLogger())).toThrow(/router core-s1: command .*contains "\|"/);
  });
});

const TWO_VRFS = [
  "VRF: BLUE",
  "Address         Age (sec)  Hardware Addr   Interface",
  "192.0.2.101       0:00:10  001a.4a48.be4c  Vlan200, Ethernet2",
  "VRF: default",
  "Address         Age (sec)  Hardware Addr   Interface",
  "192.0.2.101       0:00:37  001a.4a48.be4b  Vlan100, Ethernet1",
  "192.0.2.102       0:00:37  001a.4a48.be4b  Vlan100, Ethernet1",
  "",
].join("\n");

describe("VRF selection", () => {
  it("without vrf, a VIP in two VRFs is a read error that names them and says to set vrf:", async () => {
    reply = () => ({ stdout: TWO_VRFS });
    await expect(source("arista-eos", { command: "show ip arp vrf all" }).read(["192.0.2.101", "192.0.2.101"])).rejects.toThrow(
      /^`show ip arp vrf all` on core-s1 \(arista-eos, [^)]+\): VIP 192\.0\.2\.101 is in more than one VRF \("BLUE", "default"\); set vrf: to the one the VIPs live in$/,
    );
  });

  it("with vrf, only that VRF's entries count, read with the platform's all-VRF command", async () => {
    reply = (command) => (command === "show ip arp vrf all" ? { stdout: TWO_VRFS } : { stderr: `unexpected ${command}`, code: 1 });
    expect((await source("arista-eos", { vrf: "BLUE" }).read(["192.0.2.101", "192.0.2.102"])).entries).toEqual([
      { vip: "192.0.2.101", mac: N3, static: false, interface: "Vlan200" },
    ]);
    expect((await source("arista-eos", { vrf: "default" }).read(["192.0.2.101", "192.0.2.102"])).entries).toEqual([
      { vip: "192.0.2.101", mac: N1, static: false, interface: "Vlan100" },
      { vip: "192.0.2.102", mac: N1, static: false, interface: "Vlan100" },
    ]);
    expect(server.commands).toEqual(["show ip arp vrf all", "show ip arp vrf all"]);
  });

  it("nx-os: vrf reads `show ip arp detail vrf all` and its VRF Name column", async () => {
    reply = (command) => (command === "show ip arp detail vrf all" ? { stdout: fixture("cisco-nxos-detail-vrf-all.txt") } : { stderr: `unexpected ${command}`, code: 1 });
    const reading = await source("cisco-nxos", { vrf: "PRIMARY" }).read(["192.0.2.101", "192.0.2.102", "192.0.2.103", "192.0.2.104"]);
    expect(reading.entries).toEqual([
      { vip: "192.0.2.101", mac: "c8:e7:f0:fb:d6:a7", static: false, interface: "Vlan3" },
      { vip: "192.0.2.102", mac: "d0:d0:fd:61:ec:c1", static: false, interface: "Vlan3" },
      { vip: "192.0.2.104", mac: "00:00:0c:9f:f0:03", static: true, interface: "Vlan3" },
    ]);
  });

  it("a vrf the output does not list is an error naming the VRFs it does list", async () => {
    reply = () => ({ stdout: fixture("aruba-aoscx-all-vrfs.txt") });
    await expect(source("aruba-aoscx", { vrf: "RED" }).read(["192.0.2.101"])).rejects.toThrow(/the output lists VRFs "default", "red" but not "RED"; check vrf:/);
  });

  it("entries printed without a VRF belong to the platform's default one (huawei: _public_)", async () => {
    reply = () => ({ stdout: fixture("huawei-vrp-display-arp-all.txt") });
    expect((await source("huawei-vrp", { vrf: "_public_" }).read(["192.0.2.101", "198.51.100.101"])).entries).toEqual([
      { vip: "192.0.2.101", mac: N1, static: false, interface: "Eth-Trunk1.100" },
    ]);
    expect((await source("huawei-vrp", { vrf: "PROD" }).read(["192.0.2.101", "198.51.100.101"])).entries).toEqual([
      { vip: "198.51.100.101", mac: N2, static: false, interface: "GE0/2/13.203" },
    ]);
    await expect(source("huawei-vrp").read(["192.0.2.101"])).rejects.toThrow(/VIP 192\.0\.2\.101 is in more than one VRF \("OM-3G", "_public_"\)/);
  });

  it("ios-xr, whose output names no VRF, asks for the VRF by name", async () => {
    reply = (command) => (command === "show arp vrf PROD" ? { stdout: fixture("cisco-iosxr-vrf-all.txt") } : { stderr: `unexpected ${command}`, code: 1 });
    const reading = await source("cisco-iosxr", { vrf: "PROD" }).read(["198.51.100.101"]);
    expect(reading.entries).toEqual([{ vip: "198.51.100.101", mac: N1, static: false, interface: "GigabitEthernet0/0/0/0.2151" }]);
    expect(server.commands).toEqual(["show arp vrf PROD"]);
  });

  it("refuses vrf on a platform whose output never names one, pointing at command:", () => {
    const runner = { exec: async () => ({ code: 0, stdout: "", stderr: "" }), close: async () => {} };
    expect(() => createSshRouterSource(cfg("cisco-ios", { vrf: "PROD" }), runner, silentLogger())).toThrow(
      /^router core-s1: vrf "PROD": platform "cisco-ios" prints no VRF names, so entries cannot be told apart by VRF; leave vrf out and point command: at the VRF instead \(e\.g\. show ip arp vrf NAME\)$/,
    );
  });
});

describe("duplicates in one table", () => {
  it("a VIP listed twice in one VRF with different MACs keeps the first", async () => {
    reply = () => ({ stdout: ["VRF: default", "Address         Age (sec)  Hardware Addr   Interface", "192.0.2.101       0:00:10  001a.4a48.be4c  Vlan200, Ethernet2", "192.0.2.101       0:00:37  001a.4a48.be4b  Vlan100, Ethernet1", ""].join("\n") });
    const reading = await source("arista-eos", { command: "show ip arp vrf all" }).read(["192.0.2.101", "192.0.2.101"]);
    expect(reading.entries).toEqual([{ vip: "192.0.2.101", mac: N3, static: false, interface: "Vlan200" }]);
  });
});

// A router with IPv4 and IPv6 VIPs runs its ARP command and its IPv6 neighbour command.
describe("a dual-stack router over SSH", () => {
  const P = "2001:db8:0:1::";
  const v = (suffix: string): string => `${P}${suffix}`;
  const TABLES: Record<string, string> = {
    "show ip arp": "cisco-ios-core.txt",
    "show ipv6 neighbors": "cisco-ios-show-ipv6-neighbors.txt",
    "show ipv6 neighbor": "cisco-nxos-show-ipv6-neighbor.txt",
    "show ipv6 neighbor vrf PROD": "cisco-nxos-show-ipv6-neighbor.txt",
    "show ip arp detail vrf all": "cisco-nxos-detail-vrf-all.txt",
  };

  it("runs the ARP command for the IPv4 VIPs and the IPv6 command for the IPv6 ones, entries in VIP order", async () => {
    reply = (command) => (TABLES[command] ? { stdout: fixture(TABLES[command]!) } : { code: 1, stderr: "% Invalid input" });
    const reading = await source("cisco-ios").read([v("101"), "192.0.2.101", v("102"), "192.0.2.102", v("104")]);
    expect(server.commands).toEqual(["show ip arp", "show ipv6 neighbors"]);
    expect(reading.entries).toEqual([
      { vip: v("101"), mac: N1, static: false, interface: "Gi0/0/1" },
      { vip: "192.0.2.101", mac: N1, static: false, interface: "GigabitEthernet0/0/1" },
      { vip: v("102"), mac: N3, static: false, interface: "Gi0/0/1" },
      { vip: "192.0.2.102", mac: N3, static: false, interface: "GigabitEthernet0/0/1" },
    ]);
  });

  it("IPv6 VIPs alone run the IPv6 command alone; a command override replaces the ARP command only", async () => {
    reply = (command) => ({ stdout: fixture(TABLES[command] ?? "cisco-ios-core.txt") });
    expect((await source("cisco-ios").read([v("103")])).entries.map((x) => x.mac)).toEqual([N3]);
    expect(server.commands).toEqual(["show ipv6 neighbors"]);
    server.commands.length = 0;
    await source("cisco-ios", { command: "show ip arp vrf PROD" }).read(["192.0.2.101", v("103")]);
    expect(server.commands).toEqual(["show ip arp vrf PROD", "show ipv6 neighbors"]);
  });

  it("vrf: selects the IPv6 table by name where the platform can (NX-OS)", async () => {
    reply = (command) => (TABLES[command] ? { stdout: fixture(TABLES[command]!).replace("for VRF default", "for VRF PROD") } : { code: 1, stderr: "% Invalid command" });
    const reading = await source("cisco-nxos", { vrf: "PROD" }).read([v("101")]);
    expect(server.commands).toEqual(["show ipv6 neighbor vrf PROD"]);
    expect(reading.entries).toEqual([{ vip: v("101"), mac: N1, static: false, interface: "Vlan100" }]);
  });

  it("an unparseable IPv6 table fails the read naming its command and line", async () => {
    reply = (command) => ({ stdout: command === "show ipv6 neighbors" ? fixture("cisco-ios-core.txt") : fixture("cisco-ios-core.txt") });
    await expect(source("cisco-ios").read([v("101")])).rejects.toThrow(/cannot parse `show ipv6 neighbors` output from core-s1, line \d+: .* check that platform "cisco-ios" matches the router/);
  });

  it("a platform without an IPv6 reader refuses IPv6 VIPs, saying what to do", async () => {
    reply = () => ({ stdout: "" });
    await expect(source("fortios").read([v("101")])).rejects.toThrow(/router core-s1: platform "fortios" has no IPv6 neighbour reader yet .*read this router over SNMP/);
    expect(server.commands).toEqual([]);
  });
});
