import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfigFile, parseConfig } from "../../src/config/load.js";
import { parseDuration } from "../../src/config/duration.js";
import { parseHostPort } from "../../src/config/address.js";

const dir = mkdtempSync(join(tmpdir(), "vae-config-"));
writeFileSync(join(dir, "id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n");
writeFileSync(join(dir, "known_hosts"), "198.51.100.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake\n");
writeFileSync(join(dir, "token"), "0123456789abcdef0123\n");
writeFileSync(join(dir, "community"), "s3cret-community\n");

const CONTRACT = `
vips: [198.51.100.101, 198.51.100.102, 198.51.100.103]
nodes:
  - name: node1
    address: 198.51.100.1
    interface: eth0
  - name: node2
    address: 198.51.100.2:2222
  - name: node3
    address: 198.51.100.3
    mac: "02:00:00:00:00:03"
routers:
  - name: core-s1
    type: snmp
    address: 198.51.100.254
    community: public
ssh:
  user: root
  private_key_file: id_ed25519
  known_hosts_file: known_hosts
  timeout: 5s
remediation:
  token_file: token
`;

function parse(text: string, env: NodeJS.ProcessEnv = {}) {
  return parseConfig(text, { source: join(dir, "config.yml"), env });
}

function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parse(text, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("config loading", () => {
  it("resolves the contract example with defaults, secrets from files and relative paths", () => {
    const c = parse(CONTRACT);
    expect(c.vips).toEqual(["198.51.100.101", "198.51.100.102", "198.51.100.103"]);
    expect(c.nodes.map((n) => [n.name, n.host, n.port, n.interface, n.ssh])).toEqual([
      ["node1", "198.51.100.1", 22, "eth0", true],
      ["node2", "198.51.100.2", 2222, "eth0", true],
      ["node3", "198.51.100.3", 22, "eth0", true],
    ]);
    expect(c.nodes[2]!.mac).toBe("02:00:00:00:00:03");
    const r = c.routers[0]!;
    expect(r).toMatchObject({ type: "snmp", host: "198.51.100.254", port: 161, version: 2, community: "public", table: "auto" });
    expect(c.ssh?.timeoutMs).toBe(5000);
    expect(c.ssh?.privateKey).toContain("OPENSSH PRIVATE KEY");
    expect(c.remediation).toMatchObject({ token: "0123456789abcdef0123", tokenSource: "token_file", garpMode: "both", cooldownMs: 60_000 });
  });

  it("refuses a typo in a key and names its path", () => {
    const p = problems(CONTRACT.replace("    interface: eth0", "    interfase: eth0"));
    expect(p).toEqual([expect.stringMatching(/^nodes\[0\]\.interfase: unknown key/)]);
  });

  it("names the path and reason of bad values", () => {
    const p = problems(CONTRACT.replace("198.51.100.102,", "198.51.100.300,").replace("timeout: 5s", "timeout: five"));
    expect(p).toContain("vips[1]: must be an IPv4 or IPv6 address");
    expect(p).toContain("ssh.timeout: must be a duration like 500ms, 5s, 1m");
  });

  it("says a key of the wrong type has the wrong type, not that it is missing", () => {
    expect(problems(CONTRACT.replace("  timeout: 5s", "  timeout: 5"))).toEqual(["ssh.timeout: must be a duration with a unit, like 5s or 500ms (got the number 5)"]);
    expect(problems(CONTRACT.replace("  timeout: 5s", "  timeout: true"))).toEqual(["ssh.timeout: Invalid input: expected string, received boolean"]);
  });

  it("accepts IPv6 VIPs in RFC 5952 form, whatever their spelling, and refuses the ones no client reaches", () => {
    const c = parse(CONTRACT.replace("198.51.100.103]", "2001:DB8:0:0::0103]"));
    expect(c.vips).toEqual(["198.51.100.101", "198.51.100.102", "2001:db8::103"]);
    expect(problems(CONTRACT.replace("198.51.100.102, 198.51.100.103]", "2001:db8::103, 2001:DB8:0::103]"))).toEqual(['vips[2]: duplicate VIP "2001:db8::103"']);
    const bad = (vip: string) => problems(CONTRACT.replace("198.51.100.103]", `"${vip}"]`));
    expect(bad("fe80::1%eth0")).toEqual(["vips[2]: must be an IPv4 or IPv6 address without a zone index (%...)"]);
    expect(bad("fe80::103")).toEqual(["vips[2]: must not be a link-local address (fe80::/10): use a global or unique-local VIP"]);
    expect(bad("ff02::1")).toEqual(["vips[2]: must not be a multicast address (ff00::/8)"]);
    expect(bad("::")).toEqual(["vips[2]: must not be the unspecified address ::"]);
    expect(bad("::1")).toEqual(["vips[2]: must not be the loopback address ::1"]);
    expect(bad("::ffff:198.51.100.103")).toEqual(["vips[2]: is an IPv4-mapped address: write the IPv4 address 198.51.100.103"]);
  });

  it("rejects interfaces that could smuggle shell syntax", () => {
    const p = problems(CONTRACT.replace("    interface: eth0", "    interface: eth0 && id"));
    expect(p[0]).toMatch(/^nodes\[0\]\.interface: must be an interface name/);
  });

  it("reports duplicates, unreadable files and missing SSH settings together", () => {
    const text = CONTRACT.replace("name: node2", "name: node1").replace("token_file: token", "token_file: missing-token");
    const p = problems(text);
    expect(p).toContain('nodes[1]: duplicate node name "node1"');
    expect(p.some((x) => x.startsWith("remediation.token_file: cannot read") && x.includes("ENOENT"))).toBe(true);
    const noSsh = CONTRACT.slice(0, CONTRACT.indexOf("ssh:")).concat("");
    expect(problems(noSsh).some((x) => x.startsWith("nodes[0]: node \"node1\" is read over SSH"))).toBe(true);
  });

  it("reads the community from community_file and the token from the environment", () => {
    const c = parse(
      CONTRACT.replace("community: public", "community_file: community").replace("remediation:\n  token_file: token\n", ""),
      { VIP_ARP_REMEDIATE_TOKEN: "env-token-0123456789" },
    );
    expect(c.routers[0]).toMatchObject({ community: "s3cret-community" });
    expect(c.remediation).toMatchObject({ token: "env-token-0123456789", tokenSource: "env" });
  });

  it("disables remediation when no token is configured", () => {
    const c = parse(CONTRACT.replace("remediation:\n  token_file: token\n", ""));
    expect(c.remediation.token).toBeNull();
  });

  it("accepts SNMPv3 authPriv and refuses v3 without keys", () => {
    const v3 = CONTRACT.replace(
      "    community: public",
      "    version: 3\n    v3:\n      user: exporter\n      auth_protocol: sha\n      auth_key: authpass123\n      priv_protocol: aes\n      priv_key: privpass123",
    );
    expect(parse(v3).routers[0]).toMatchObject({ version: 3, v3: { user: "exporter", level: "authPriv", authKey: "authpass123", privKey: "privpass123" } });
    const p = problems(v3.replace("      priv_key: privpass123", ""));
    expect(p).toContain("routers[0].v3: level authPriv needs priv_key or priv_key_file");
  });

  it("accepts ssh routers with a platform and refuses unknown router types", () => {
    const ssh = CONTRACT.replace("    type: snmp\n    address: 198.51.100.254\n    community: public", "    type: ssh\n    address: 198.51.100.254\n    platform: cisco-ios");
    expect(parse(ssh).routers[0]).toMatchObject({ type: "ssh", platform: "cisco-ios", port: 22, timeoutMs: 5000 });
    expect(problems(CONTRACT.replace("type: snmp", "type: telnet"))[0]).toMatch(/^routers\[0\]/);
  });

  it("checks an ssh router's command override against its platform, naming the key", () => {
    const ssh = (platform: string, command: string) =>
      CONTRACT.replace(
        "    type: snmp\n    address: 198.51.100.254\n    community: public",
        `    type: ssh\n    address: 198.51.100.254\n    platform: ${platform}\n    command: ${JSON.stringify(command)}`,
      );
    expect(parse(ssh("junos", "show arp no-resolve | no-more")).routers[0]).toMatchObject({ command: "show arp no-resolve | no-more" });
    expect(parse(ssh("linux", "ip -j neigh show dev eth0")).routers[0]).toMatchObject({ command: "ip -j neigh show dev eth0" });
    expect(problems(ssh("cisco-ios", "show ip arp; reload"))).toEqual([expect.stringMatching(/^routers\[0\]\.command: contains the shell metacharacter ";"/)]);
    expect(problems(ssh("cisco-ios", `show ip arp ${"x".repeat(300)}`))).toEqual([expect.stringMatching(/^routers\[0\]\.command: is longer than/)]);
    // a linux router runs the command in a shell: a pipe would start another program
    expect(problems(ssh("linux", "ip -j neigh | sh"))).toEqual([expect.stringMatching(/^routers\[0\]\.command: contains "\|"/)]);
  });

  it("needs no SSH section when every node has a static MAC", () => {
    const text = `vips: [198.51.100.101]\nnodes:\n  - {name: a, address: 198.51.100.1, mac: "02:00:00:00:00:01"}\nrouters:\n  - {name: r, type: snmp, address: "198.51.100.254:1161", community: public}\n`;
    const c = parse(text);
    expect(c.nodes[0]).toMatchObject({ ssh: false, mac: "02:00:00:00:00:01" });
    expect(c.routers[0]).toMatchObject({ port: 1161 });
  });

  it("gives a clear error for unreadable files and non-mapping documents", () => {
    expect(() => loadConfigFile(join(dir, "nope.yml"))).toThrow(/cannot read the config file/);
    expect(problems("- just\n- a list\n")).toEqual(["the file must be a YAML mapping with vips, nodes and routers"]);
    expect(problems("vips: [\n")[0]).toMatch(/^not valid YAML/);
  });
});

describe("durations and addresses", () => {
  it("parses Prometheus-style durations", () => {
    expect(parseDuration("5s")).toBe(5000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("5")).toBeNull();
    expect(parseDuration("-5s")).toBeNull();
  });
  it("parses host, host:port and [v6]:port", () => {
    expect(parseHostPort("198.51.100.1", 22)).toEqual({ host: "198.51.100.1", port: 22 });
    expect(parseHostPort("router.example:2022", 22)).toEqual({ host: "router.example", port: 2022 });
    expect(parseHostPort("[2001:db8::1]:161", 22)).toEqual({ host: "2001:db8::1", port: 161 });
    expect(parseHostPort("2001:db8::1", 161)).toEqual({ host: "2001:db8::1", port: 161 });
    expect(parseHostPort("a b", 22)).toMatch(/not an IP address or host name/);
    expect(parseHostPort("host:70000", 22)).toMatch(/out of range/);
  });
});
