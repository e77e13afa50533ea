// Bad input, config: one row per config file, referenced file or command line a user can get
// wrong, run as users run it (the built CLI), and its exact outcome: exit code and stderr (see
// README.md for the convention). Nothing is read from the network: every row fails first.
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), "vae-bad-config-"));
const file = (name: string, content: string | Buffer): string => {
  const p = join(DIR, name);
  writeFileSync(p, content);
  return p;
};
file("id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n");
file("known_hosts", "198.51.100.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake\n");
file("token", "0123456789abcdef0123\n");
file("short_token", "0123456789\n");
file("big_key", "k".repeat(64 * 1024 + 1));
file("latin1_community", Buffer.from([0x70, 0x75, 0x62, 0xe9, 0x0a])); // "pub\xe9": Latin-1, not UTF-8
mkdirSync(join(DIR, "a_directory"));
execFileSync("mkfifo", [join(DIR, "a_fifo")]);

/** A valid config; each row replaces one part. */
const base = (over: { ssh?: string; routers?: string; nodes?: string; remediation?: string; top?: string } = {}) => `
vips: [198.51.100.101, 198.51.100.102]
nodes:
${over.nodes ?? "  - { name: node1, address: 198.51.100.1 }\n  - { name: node2, address: 198.51.100.2 }"}
routers:
${over.routers ?? "  - { name: core-s1, type: snmp, address: 198.51.100.254, community: public }"}
ssh:
${over.ssh ?? "  user: root\n  private_key_file: id_ed25519\n  known_hosts_file: known_hosts"}
remediation:
${over.remediation ?? "  token_file: token"}
${over.top ?? ""}
`;

interface Row {
  name: string;
  /** The config file's content (written to DIR), or extra CLI arguments after `check`. */
  input: { config?: string | Buffer; args?: string[] };
  expected: { exit: number; stderr: string };
}

const invalid = (...problems: string[]) => `vip-arp-exporter: invalid config CONFIG:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`;
const SSH = "  user: root\n  private_key_file: id_ed25519\n  known_hosts_file: known_hosts";

const rows: Row[] = [
  { name: "a 0s SSH timeout (every read would fail)", input: { config: base({ ssh: `${SSH}\n  timeout: 0s` }) }, expected: { exit: 2, stderr: invalid("ssh.timeout: must be from 100ms to 1h (got 0s)") } },
  { name: "a 0s router timeout", input: { config: base({ routers: "  - { name: core-s1, type: snmp, address: 198.51.100.254, community: public, timeout: 0s }" }) }, expected: { exit: 2, stderr: invalid("routers[0].timeout: must be from 100ms to 1h (got 0s)") } },
  {
    name: "verify_interval 0s (hundreds of SNMP requests a second)",
    input: { config: base({ remediation: "  token_file: token\n  verify_interval: 0s" }) },
    expected: { exit: 2, stderr: invalid("remediation.verify_interval: must be from 50ms to 1m (got 0s)") },
  },
  { name: "100d, past what a timer can hold", input: { config: base({ top: "scrape_timeout: 100d" }) }, expected: { exit: 2, stderr: invalid("scrape_timeout: must be from 100ms to 1h (got 100d)") } },
  {
    name: "a 20-digit duration",
    input: { config: base({ remediation: "  token_file: token\n  verify_timeout: 99999999999999999999s" }) },
    expected: { exit: 2, stderr: invalid("remediation.verify_timeout: must be from 100ms to 1h (got 99999999999999999999s)") },
  },
  { name: "a 30d keepalive (a keepalive every millisecond once wrapped)", input: { config: base({ ssh: `${SSH}\n  keepalive_interval: 30d` }) }, expected: { exit: 2, stderr: invalid("ssh.keepalive_interval: must be from 1s to 1h (got 30d)") } },
  { name: "a keepalive of 10ms", input: { config: base({ ssh: `${SSH}\n  keepalive_interval: 10ms` }) }, expected: { exit: 2, stderr: invalid("ssh.keepalive_interval: must be from 1s to 1h (got 10ms)") } },
  { name: "a cooldown past a day", input: { config: base({ remediation: "  token_file: token\n  cooldown: 2d" }) }, expected: { exit: 2, stderr: invalid("remediation.cooldown: must be from 0s to 24h (got 2d)") } },
  { name: "a duration without a unit", input: { config: base({ ssh: `${SSH}\n  timeout: 5` }) }, expected: { exit: 2, stderr: invalid("ssh.timeout: must be a duration with a unit, like 5s or 500ms (got the number 5)") } },
  {
    name: "private_key_file: /dev/zero (reads without end)",
    input: { config: base({ ssh: "  user: root\n  private_key_file: /dev/zero\n  known_hosts_file: known_hosts" }) },
    expected: { exit: 2, stderr: invalid("ssh.private_key_file: /dev/zero is a character device, not a regular file") },
  },
  {
    name: "a private key file larger than 64 KiB",
    input: { config: base({ ssh: "  user: root\n  private_key_file: big_key\n  known_hosts_file: known_hosts" }) },
    expected: { exit: 2, stderr: invalid(`ssh.private_key_file: ${join(DIR, "big_key")} is 65537 bytes, more than the 64 KiB such a file may have`) },
  },
  {
    name: "known_hosts_file pointing at a directory",
    input: { config: base({ ssh: "  user: root\n  private_key_file: id_ed25519\n  known_hosts_file: a_directory" }) },
    expected: { exit: 2, stderr: invalid(`ssh.known_hosts_file: ${join(DIR, "a_directory")} is a directory, not a regular file`) },
  },
  { name: "token_file pointing at a named pipe (a read would block)", input: { config: base({ remediation: "  token_file: a_fifo" }) }, expected: { exit: 2, stderr: invalid(`remediation.token_file: ${join(DIR, "a_fifo")} is a named pipe, not a regular file`) } },
  { name: "a token file that does not exist", input: { config: base({ remediation: "  token_file: nope" }) }, expected: { exit: 2, stderr: invalid(`remediation.token_file: cannot read ${join(DIR, "nope")}: ENOENT`) } },
  {
    name: "a community file that is not UTF-8 (it would be changed before it is sent)",
    input: { config: base({ routers: "  - { name: core-s1, type: snmp, address: 198.51.100.254, community_file: latin1_community }" }) },
    expected: { exit: 2, stderr: invalid(`routers[0].community_file: ${join(DIR, "latin1_community")} is not valid UTF-8 text (first bad byte at offset 3): save it as UTF-8`) },
  },
  {
    name: "two nodes with the same static MAC",
    input: {
      config: base({ nodes: '  - { name: node1, address: 198.51.100.1, mac: "02:00:00:00:00:01" }\n  - { name: node2, address: 198.51.100.2, mac: "02-00-00-00-00-01" }' }),
    },
    expected: {
      exit: 2,
      stderr: invalid('nodes[1].mac: 02:00:00:00:00:01 is also the mac of node "node1": nodes "node1" and "node2" cannot share a MAC (the router\'s entries would count for the wrong node)'),
    },
  },
  { name: "a config file that is not UTF-8", input: { config: Buffer.concat([Buffer.from("vips: [198.51.100.101]\n# caf"), Buffer.from([0xe9]), Buffer.from("\n")]) }, expected: { exit: 2, stderr: invalid("cannot read the config file: the config file is not valid UTF-8 text (first bad byte at offset 28): save it as UTF-8") } },
  { name: "a typo in a key", input: { config: base({ ssh: `${SSH}\n  timout: 5s` }) }, expected: { exit: 2, stderr: invalid('ssh.timout: unknown key (check the spelling; see README "Configuration")') } },
  { name: "YAML that does not parse", input: { config: "vips: [198.51.100.101\nnodes: {" }, expected: { exit: 2, stderr: invalid("not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1:") } },
  { name: "a token shorter than 16 characters", input: { config: base({ remediation: "  token_file: short_token" }) }, expected: { exit: 2, stderr: invalid("remediation.token_file: the token must be at least 16 characters") } },
  { name: "--config.file and --sim.scenario together", input: { args: ["--sim.scenario", "x.yaml"] }, expected: { exit: 2, stderr: "vip-arp-exporter: --config.file and --sim.scenario exclude each other: use one\n" } },
  { name: "an output format that does not exist", input: { args: ["--output", "xml"] }, expected: { exit: 2, stderr: "error: option '--output <format>' argument 'xml' is invalid. Allowed choices are table, json.\n" } },
];

function run(row: Row): Promise<{ exit: number; stderr: string }> {
  const path = join(DIR, `config-${rows.indexOf(row)}.yml`);
  writeFileSync(path, row.input.config ?? base());
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, "check", "--config.file", path, ...(row.input.args ?? [])], { cwd: DIR, timeout: 30_000 }, (err, _stdout, stderr) => {
      resolve({ exit: err ? ((err as { code?: number }).code ?? -1) : 0, stderr: stderr.replaceAll(path, "CONFIG") });
    });
  });
}

describe("bad input: config files and flags", () => {
  it.concurrent.each(rows)("$name", async (row) => {
    expect(await run(row)).toEqual(row.expected);
  });
});
