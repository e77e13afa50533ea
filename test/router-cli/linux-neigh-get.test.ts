// The linux read that asks the kernel for the VIPs' entries only: the command it builds,
// how it reads real iproute2 output (captured from a test namespace), and the whole path
// over SSH against a network namespace this test makes (veth pair, static neighbours; no
// packet leaves it), where the CLI server runs each received command inside the namespace.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshRouterConfig } from "../../src/config/types.js";
import { silentLogger } from "../../src/log.js";
import { neighGetCommand, readNeighGet, readRouteGet, routeGetCommand } from "../../src/sources/router-cli/linux-neigh-get.js";
import { SshConnection } from "../../src/sources/ssh/connection.js";
import { createSshRouterSource } from "../../src/sources/ssh-router.js";
import type { RouterSource } from "../../src/sources/types.js";
import { startCliServer, type CliServer } from "./cli-server.js";
import { fixture } from "./fixtures.js";

const V = ["198.51.100.101", "198.51.100.102", "198.51.100.103", "198.51.100.104", "198.51.100.105", "198.51.100.106"];

describe("the command", () => {
  it("is one shell line with a marked answer and exit status per VIP", () => {
    expect(neighGetCommand(["198.51.100.101", "198.51.100.102"], (v) => (v.endsWith("1") ? "eth0" : "bond0.100"))).toBe(
      'echo "@vip 198.51.100.101"; ip -j neigh get 198.51.100.101 dev eth0 2>&1; echo "@rc $?"; ' +
        'echo "@vip 198.51.100.102"; ip -j neigh get 198.51.100.102 dev bond0.100 2>&1; echo "@rc $?"',
    );
    expect(routeGetCommand(["198.51.100.101"])).toBe('echo "@vip 198.51.100.101"; ip -j route get 198.51.100.101 2>&1; echo "@rc $?"');
  });

  it("refuses anything but validated addresses and interface names", () => {
    expect(() => neighGetCommand(["198.51.100.1; reboot"], () => "eth0")).toThrow(/refusing to build a command with "198\.51\.100\.1; reboot": not an IP address/);
    expect(() => neighGetCommand(["198.51.100.1"], () => "eth0$(id)")).toThrow(/refusing to build a command with "eth0\$\(id\)": not an interface name/);
    expect(() => routeGetCommand(["fe80::1%eth0"])).toThrow(/refusing to build a command with "fe80::1%eth0": not an IP address/);
    expect(routeGetCommand(["2001:db8::101"])).toBe('echo "@vip 2001:db8::101"; ip -6 -j route get 2001:db8::101 2>&1; echo "@rc $?"');
  });
});

describe("reading real iproute2 answers", () => {
  it("complete entries read, absent and unresolved ones are left out", () => {
    expect(readNeighGet(fixture("linux-neigh-get-iproute2-6.1.txt"), V)).toEqual({
      entries: [
        { ip: "198.51.100.101", mac: "02:00:00:00:00:01", static: true, interface: "veth0" },
        { ip: "198.51.100.102", mac: "02:00:00:00:00:02", static: false, interface: "veth0" },
        { ip: "198.51.100.106", mac: "02:00:00:00:00:06", static: false, interface: "veth0" },
      ],
    });
  });

  it("the JSON form of releases that honour -j reads the same", () => {
    const out = ['@vip 198.51.100.101', '{"dst":"198.51.100.101","dev":"eth0","lladdr":"02:00:00:00:00:01","state":["REACHABLE"]}', "@rc 0"].join("\n");
    expect(readNeighGet(out, ["198.51.100.101"])).toEqual({ entries: [{ ip: "198.51.100.101", mac: "02:00:00:00:00:01", static: false, interface: "eth0" }] });
  });

  it("a missing device, a cut answer or another address is an error, not an absent entry", () => {
    expect(readNeighGet(fixture("linux-neigh-get-no-device.txt"), ["198.51.100.101"])).toEqual({ error: 'ip neigh get 198.51.100.101 exited 1: Cannot find device "nosuch0"' });
    expect(readNeighGet("@vip 198.51.100.101\n198.51.100.101 dev eth0 lladdr 02:00:00:00:00:01 REACHABLE\n", ["198.51.100.101"])).toEqual({
      error: "line 1: the answer for 198.51.100.101 has no exit status (output cut short?)",
    });
    expect(readNeighGet("@vip 198.51.100.101\n198.51.100.9 dev eth0 lladdr 02:00:00:00:00:01 REACHABLE\n@rc 0\n", ["198.51.100.101"])).toEqual({
      error: "ip neigh get 198.51.100.101 answered for another address: 198.51.100.9 dev eth0 lladdr 02:00:00:00:00:01 REACHABLE",
    });
    expect(readNeighGet("sh: 1: ip: not found\n", ["198.51.100.101"])).toEqual({ error: "line 1: unexpected output before the first VIP: sh: 1: ip: not found" });
    expect(readNeighGet("@vip 198.51.100.101\nsh: 1: ip: not found\n@rc 127\n", ["198.51.100.101"])).toEqual({ error: "ip neigh get 198.51.100.101 exited 127: sh: 1: ip: not found" });
  });

  it("route get gives each VIP's interface; an unrouted VIP says to set interface", () => {
    expect(readRouteGet(fixture("linux-route-get-iproute2-6.1.txt"), ["198.51.100.101", "203.0.113.5"])).toEqual({
      error: "ip route get 203.0.113.5 exited 2: RTNETLINK answers: Network is unreachable; set routers[].interface",
    });
    const one = fixture("linux-route-get-iproute2-6.1.txt").split("\n").slice(0, 3).join("\n");
    expect(readRouteGet(one, ["198.51.100.101"])).toEqual({ ifaces: new Map([["198.51.100.101", "veth0"]]) });
  });
});

// ---------------------------------------------------------------------------
// Over SSH against a real kernel in a namespace of our own.
// ---------------------------------------------------------------------------

const NS = `vae-cli-${process.pid}`;
const run = (...args: string[]) => spawnSync("ip", args, { encoding: "utf8" });
let server: CliServer;
const sources: RouterSource[] = [];

function source(extra: Partial<SshRouterConfig> = {}): RouterSource {
  const cfg: SshRouterConfig = { type: "ssh", name: "lnx", host: server.host, port: server.port, platform: "linux", ssh: server.settings, timeoutMs: 5000, ...extra };
  const runner = new SshConnection({ name: cfg.name, host: cfg.host, port: cfg.port, settings: { ...cfg.ssh, timeoutMs: cfg.timeoutMs }, log: silentLogger() });
  const s = createSshRouterSource(cfg, runner, silentLogger());
  sources.push(s);
  return s;
}

describe("a linux router in a test namespace", () => {
  beforeAll(async () => {
    const steps: string[][] = [
      ["netns", "add", NS],
      ["-n", NS, "link", "add", "vip0", "type", "veth", "peer", "name", "vip1"],
      ["-n", NS, "link", "set", "vip0", "up"],
      ["-n", NS, "link", "set", "vip1", "up"],
      ["-n", NS, "addr", "add", "198.51.100.1/24", "dev", "vip0"],
      ["-n", NS, "neigh", "add", "198.51.100.101", "lladdr", "02:00:00:00:00:01", "dev", "vip0", "nud", "permanent"],
      ["-n", NS, "neigh", "add", "198.51.100.102", "lladdr", "02:00:00:00:00:02", "dev", "vip0", "nud", "stale"],
      ["-n", NS, "neigh", "add", "198.51.100.104", "dev", "vip0", "nud", "failed"],
      // IPv6 too (no DAD: nothing is sent): the same read asks with ip -6.
      ["-n", NS, "addr", "add", "2001:db8:0:1::fe/64", "dev", "vip0", "nodad"],
      ["-n", NS, "-6", "neigh", "add", "2001:db8:0:1::101", "lladdr", "02:00:00:00:00:11", "dev", "vip0", "nud", "stale"],
      ["-n", NS, "-6", "neigh", "add", "2001:db8:0:1::102", "lladdr", "02:00:00:00:00:12", "dev", "vip0", "nud", "permanent"],
      ["-n", NS, "-6", "neigh", "add", "2001:db8:0:1::104", "dev", "vip0", "nud", "failed"],
    ];
    for (const step of steps) {
      const r = run(...step);
      if (r.status !== 0) throw new Error(`ip ${step.join(" ")} failed: ${r.stderr}`);
    }
    // 500 unrelated neighbours on the other leg: the per-VIP read must not print them.
    const batch = Array.from({ length: 500 }, (_, i) => `neigh add 10.200.${Math.floor(i / 250) + 1}.${(i % 250) + 1} lladdr 02:00:00:01:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")} dev vip1 nud stale`);
    const b = spawnSync("ip", ["-n", NS, "-batch", "-"], { input: `addr add 10.200.0.1/16 dev vip1\n${batch.join("\n")}\n`, encoding: "utf8" });
    if (b.status !== 0) throw new Error(`ip -batch failed: ${b.stderr}`);
    server = await startCliServer((command) => {
      const r = spawnSync("ip", ["netns", "exec", NS, "sh", "-c", command], { encoding: "utf8" });
      return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 1 };
    });
  });
  afterAll(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
    await server?.close();
    run("netns", "del", NS);
  });

  it("discovers the interface once, then asks only for the VIPs in one exec per read", async () => {
    const s = source();
    const vips = ["198.51.100.101", "198.51.100.102", "198.51.100.103", "198.51.100.104"];
    const expected = {
      router: "lnx",
      entries: [
        { vip: "198.51.100.101", mac: "02:00:00:00:00:01", static: true, interface: "vip0" },
        { vip: "198.51.100.102", mac: "02:00:00:00:00:02", static: false, interface: "vip0" },
      ],
    };
    expect(await s.read(vips)).toEqual(expected);
    expect(await s.read(vips)).toEqual(expected);
    expect(server.commands.map((c) => c.match(/ip -j (route|neigh) get/g)?.length)).toEqual([4, 4, 4]);
    expect(server.commands[0]).toBe(routeGetCommand(vips));
    expect(server.commands.slice(1)).toEqual([neighGetCommand(vips, () => "vip0"), neighGetCommand(vips, () => "vip0")]);
  });

  it("reads IPv4 and IPv6 VIPs from the kernel in one exec, IPv6 ones with ip -6, whatever their spelling in the answer", async () => {
    server.commands.length = 0;
    const s = source();
    const vips = ["198.51.100.101", "2001:db8:0:1::101", "2001:db8:0:1::102", "2001:db8:0:1::103", "2001:db8:0:1::104"];
    expect(await s.read(vips)).toEqual({
      router: "lnx",
      entries: [
        { vip: "198.51.100.101", mac: "02:00:00:00:00:01", static: true, interface: "vip0" },
        { vip: "2001:db8:0:1::101", mac: "02:00:00:00:00:11", static: false, interface: "vip0" },
        { vip: "2001:db8:0:1::102", mac: "02:00:00:00:00:12", static: true, interface: "vip0" },
      ],
    });
    expect(server.commands).toEqual([routeGetCommand(vips), neighGetCommand(vips, () => "vip0")]);
    expect(server.commands[1]!.match(/ip -6 -j neigh get/g)).toHaveLength(4);
  });

  it("an IPv6 VIP the router has no route to says to set interface", async () => {
    await expect(source().read(["2001:db8:9::1"])).rejects.toThrow(/ip route get 2001:db8:9::1 exited 2: RTNETLINK answers: Network is unreachable; set routers\[\]\.interface/);
  });

  it("with routers[].interface it asks no route", async () => {
    server.commands.length = 0;
    const reading = await source({ interface: "vip0" }).read(["198.51.100.101"]);
    expect(reading.entries).toEqual([{ vip: "198.51.100.101", mac: "02:00:00:00:00:01", static: true, interface: "vip0" }]);
    expect(server.commands).toEqual([neighGetCommand(["198.51.100.101"], () => "vip0")]);
  });

  it("a wrong interface is a read error quoting the kernel", async () => {
    await expect(source({ interface: "nosuch0" }).read(["198.51.100.101"])).rejects.toThrow(/ip neigh get 198\.51\.100\.101 exited 1: Cannot find device "nosuch0"/);
  });

  it("a VIP the router has no route to says to set interface", async () => {
    await expect(source().read(["203.0.113.5"])).rejects.toThrow(/ip route get 203\.0\.113\.5 exited 2: RTNETLINK answers: Network is unreachable; set routers\[\]\.interface/);
  });
});
