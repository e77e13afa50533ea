// The router keys this work adds to the config: routers[].vrf and routers[].interface, each
// checked against the platform at load with its key path, and the CLI's exit 2 for them.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/load.js";
import type { SshRouterConfig } from "../../src/config/types.js";

const dir = mkdtempSync(join(tmpdir(), "vae-router-cfg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "key"), "not a real key\n");
writeFileSync(join(dir, "known_hosts"), "[h]:22 ssh-ed25519 AAAA\n");

function config(router: string): string {
  return [
    "vips: [198.51.100.101]",
    "nodes: [{name: n1, address: 198.51.100.1, mac: \"02:00:00:00:00:01\", ssh: false}]",
    "routers:",
    `  - {name: r1, type: ssh, address: 198.51.100.254, ${router}}`,
    `ssh: {user: netops, private_key_file: ${join(dir, "key")}, known_hosts_file: ${join(dir, "known_hosts")}}`,
  ].join("\n");
}

function problems(router: string): string[] {
  try {
    parseConfig(config(router), { source: join(dir, "c.yml"), env: {} });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const router = (text: string) => parseConfig(config(text), { source: join(dir, "c.yml"), env: {} }).routers[0] as SshRouterConfig;

describe("routers[].vrf", () => {
  it("loads on platforms whose output names VRFs, or whose command selects one", () => {
    expect(router("platform: cisco-nxos, vrf: PROD").vrf).toBe("PROD");
    expect(router("platform: cisco-iosxr, vrf: PROD").vrf).toBe("PROD");
    expect(router("platform: huawei-vrp, vrf: _public_").vrf).toBe("_public_");
    expect(router("platform: cisco-nxos").vrf).toBeUndefined();
  });

  it("is a config error, with its key path, where the output never names a VRF", () => {
    expect(problems("platform: cisco-ios, vrf: PROD")).toEqual([
      'routers[0].vrf: platform "cisco-ios" prints no VRF names, so entries cannot be told apart by VRF; leave vrf out and point command: at the VRF instead (e.g. show ip arp vrf NAME)',
    ]);
    expect(problems("platform: junos, vrf: PROD")).toEqual([
      'routers[0].vrf: platform "junos" prints no VRF names, so entries cannot be told apart by VRF; leave vrf out and point command: at the VRF instead (e.g. show arp no-resolve vpn NAME)',
    ]);
  });

  it("must be a plain name: it can reach a command string", () => {
    expect(problems('platform: cisco-iosxr, vrf: "PROD; reload"')).toEqual(["routers[0].vrf: must be a VRF name: letters, digits and _ . : -, up to 64"]);
  });
});

describe("routers[].interface", () => {
  it("loads on linux routers", () => {
    expect(router("platform: linux, interface: bond0.100").interface).toBe("bond0.100");
  });

  it("is a config error on other platforms and when it is no interface name", () => {
    expect(problems("platform: cisco-ios, interface: eth0")).toEqual([
      "routers[0].interface: only for platform linux (the interface the kernel is asked about); leave it out for cisco-ios",
    ]);
    expect(problems('platform: linux, interface: "eth0 up"')).toEqual(["routers[0].interface: must be an interface name like eth0, bond0.100 or ens3f0"]);
  });
});

describe("the command line", () => {
  const CLI = join(process.cwd(), "dist/src/cli.js");
  it("exits 2 naming the key and the reason", () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    const file = join(dir, "bad.yml");
    writeFileSync(file, config("platform: fortios, vrf: root"));
    const r = spawnSync(process.execPath, [CLI, "check", "--config.file", file], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('routers[0].vrf: platform "fortios" prints no VRF names');
  });
});
