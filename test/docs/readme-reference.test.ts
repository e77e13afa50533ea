// README.md documents what the code offers: every CLI flag and command (src/cli.ts), every
// metric (docs/metrics.md, itself checked against the code), every HTTP route and status
// code (src/http/), and the troubleshooting section quotes messages the code really gives.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { documentedMetrics, githubAnchors } from "../deploy/markdown.js";
import { repoFile } from "./markdown-blocks.js";

const readme = repoFile("README.md");
const SRC = fileURLToPath(new URL("../../src", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}
const allSource = sourceFiles(SRC)
  .filter((f) => !f.includes(`${SRC}/sim/`)) // the simulator's messages are not the exporter's
  .map((f) => readFileSync(f, "utf8"))
  .join("\n");

/** The README text between a "## Title" heading and the next "## " heading. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}`);
  expect(start, `README.md has no "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf("\n## ", start + 4);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe("README.md: command line", () => {
  // src/cli.ts and the subcommands that register themselves from their own file
  const cli = repoFile("src/cli.ts") + repoFile("src/cli/healthcheck.ts");
  const flags = [...cli.matchAll(/new Option\("(--[a-z.-]+)/g)].map((m) => m[1]!);
  const commands = [...cli.matchAll(/\.command\("([a-z-]+)"\)/g)].map((m) => m[1]!);

  it("finds the CLI's flags and commands in src/cli.ts", () => {
    expect(flags).toEqual(expect.arrayContaining(["--config.file", "--web.listen-address", "--dry-run"]));
    expect(commands).toEqual(["check", "remediate", "healthcheck"]);
  });

  it.each([...new Set([...flags, "--version", "--help"])])("documents %s in the flag table", (flag) => {
    const rows = section("Command line").split("\n").filter((l) => l.startsWith("| `"));
    expect(rows.some((r) => r.split(" | ")[0]!.includes(`\`${flag}\``)), `no row for ${flag}`).toBe(true);
  });

  it.each(commands)("shows the %s command with its exit codes", (command) => {
    expect(section("Command line")).toMatch(new RegExp(`^\\| \`${command}\` \\| .+ \\| .+ \\| .+ \\|$`, "m"));
  });

  it("keeps the two commands that must work on a fresh machine", () => {
    expect(readme).toMatch(/^npm ci && npm start$/m);
    expect(readme).toMatch(/^npm ci && npm test$/m);
  });
});

describe("README.md: metrics", () => {
  const metrics = [...documentedMetrics(repoFile("docs/metrics.md")).keys()];

  it("reads the metric reference", () => {
    expect(metrics.length).toBeGreaterThanOrEqual(15);
  });

  it.each(metrics)("lists %s", (name) => {
    expect(section("Metrics")).toMatch(new RegExp(`\`${name}[{\`]`));
  });
});

describe("README.md: HTTP endpoints", () => {
  const http = sourceFiles(join(SRC, "http")).map((f) => readFileSync(f, "utf8")).join("\n");
  const routes = [...http.matchAll(/(?:app|router)\.(?:get|post|all)\("([^"]+)"/g)].map((m) => m[1]!);
  const statuses = [
    ...new Set([...http.matchAll(/\.status\((\d{3})/g), ...http.matchAll(/\? (\d{3}) : (\d{3})/g), ...http.matchAll(/return (\d{3});/g)].flatMap((m) => m.slice(1))),
  ];

  it("finds the routes and status codes in src/http/", () => {
    expect(routes).toEqual(expect.arrayContaining(["/", "/-/healthy", "/-/ready", "/remediate"]));
    expect(statuses).toEqual(expect.arrayContaining(["200", "400", "401", "405", "409", "413", "502", "503"]));
  });

  it.each([...new Set(routes)])("documents the route %s", (route) => {
    expect(section("HTTP endpoints")).toContain(`| \`${route}\``);
  });

  it.each(statuses)("documents status %s", (status) => {
    expect(section("HTTP endpoints")).toMatch(new RegExp(`\\b${status}\\b`));
  });

  it("documents every /remediate status in its table", () => {
    const table = section("HTTP endpoints").split("\n").filter((l) => /^\| \d{3} \|/.test(l)).map((l) => l.slice(2, 5));
    expect(table.sort()).toEqual(["200", "400", "401", "405", "409", "413", "500", "502", "503"]);
  });
});

describe("README.md: troubleshooting", () => {
  // Fixed parts of the messages the Troubleshooting section quotes: each must still be in src/.
  const quoted = [
    'unknown key (check the spelling; see README "Configuration")',
    "is read over SSH: add an ssh section (user, private_key_file, known_hosts_file) or give it a static mac",
    "SNMP v2c needs community or community_file",
    "the token must be at least 16 characters",
    "--config.file and --sim.scenario exclude each other: use one",
    "another process uses the port: pick another with --web.listen-address",
    "address, community and ACL",
    "address, SNMPv3 user, auth/priv keys and ACL",
    "check user name, auth/priv protocols and keys",
    "could not be decrypted: check privacy protocol and key",
    "contains the shell metacharacter",
    "fix it, or leave it out to use the platform's default command",
    "printed nothing; check that the command works in the router's CLI for this user",
    "is down or its interface could not be read",
    "not in known_hosts",
    "host key MISMATCH for",
    "This may be a man-in-the-middle attack",
    "failed: add the public key of ssh.private_key_file to that user's authorized_keys on the host",
    "use an unencrypted OpenSSH or PEM key, or set its passphrase",
    "connection refused: check the address and port and that sshd runs there",
    "check that the host is reachable and no firewall drops the connection",
    "the server accepted the TCP connection but sent nothing",
    "instead of an SSH banner: check that port",
    "during the SSH handshake and login; check that sshd on the host answers",
    "check that it does not hang on the host",
    "stopped reading and dropped the connection",
    "it may or may not have run: check sshd and the network path to the host",
    "check nodes[].interface and that iproute2 is installed",
    "install iputils-arping",
    "install libndp-tools (ndptool)",
    "unless the router accepts untracked ones (Linux accept_untracked_na)",
    "unless the router accepts unsolicited ARP (arp_accept)",
    "(a static entry: a GARP cannot move it)",
    "fix the static entry on the router",
    "a remediation run is already in progress: try again when it has finished",
    "remediation is disabled: no token is configured.",
    "the next one is allowed in",
  ];

  it.each(quoted)("quotes %j, which the code gives", (text) => {
    expect(section("Troubleshooting").includes(text), "README's Troubleshooting quotes it").toBe(true);
    expect(allSource.includes(text), "src/ still gives it").toBe(true);
  });
});

describe("links in README.md and docs/", () => {
  const docs = ["README.md", ...readdirSync(fileURLToPath(new URL("../../docs", import.meta.url))).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const links = docs.flatMap((doc) =>
    [...new Set([...repoFile(doc).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!))]
      .filter((href) => !/^[a-z]+:/.test(href))
      .map((href) => [doc, href] as const),
  );

  it("finds relative links", () => {
    expect(links.length).toBeGreaterThan(10);
  });

  it.each(links)("%s: %s resolves", (doc, href) => {
    const [path, anchor] = href.split("#") as [string, string | undefined];
    const target = path === "" ? doc : join(doc.includes("/") ? doc.slice(0, doc.lastIndexOf("/")) : "", path);
    expect(existsSync(fileURLToPath(new URL(`../../${target}`, import.meta.url))), `${target} exists`).toBe(true);
    if (anchor && target.endsWith(".md")) expect([...githubAnchors(repoFile(target))]).toContain(anchor);
  });
});
