// Router source over SSH: runs the platform's ARP command (a fixed string) and parses it, and
// for IPv6 VIPs its IPv6 neighbour command. Unparseable output is a collector error naming the
// first offending line, never silence. A linux router without a command override is asked for
// the VIPs' entries only (both families).
import type { SshRouterConfig } from "../config/types.js";
import type { Logger } from "../log.js";
import { isIpv4 } from "../model/net.js";
import type { ArpEntry, CommandRunner, RouterReading } from "../model/types.js";
import { commandProblem, ipv6Problem, platform as platformOf, PLATFORM_NAMES, vrfProblem, type CliParser, type VrfSupport } from "./router-cli/index.js";
import { neighGetCommand, readNeighGet, readRouteGet, routeGetCommand } from "./router-cli/linux-neigh-get.js";
import { selectVipEntries } from "./router-cli/select.js";
import type { CliArpEntry, ParseResult } from "./router-cli/types.js";
import type { RouterSource } from "./types.js";

/** Extra time past the command timeout before we stop waiting for a runner that ignores it. */
const TIMEOUT_GRACE_MS = 1000;

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
}

function toArpEntry(e: CliArpEntry): ArpEntry {
  const a: ArpEntry = { vip: e.ip, mac: e.mac, static: e.static };
  if (e.interface !== undefined) a.interface = e.interface;
  return a;
}

export function createSshRouterSource(cfg: SshRouterConfig, runner: CommandRunner, log: Logger): RouterSource {
  const platform = platformOf(cfg.platform);
  if (!platform) throw new Error(`router ${cfg.name}: unknown platform "${cfg.platform}"; use one of ${PLATFORM_NAMES.join(", ")}`);
  const vrfIssue = cfg.vrf === undefined ? null : vrfProblem(cfg.platform);
  if (vrfIssue) throw new Error(`router ${cfg.name}: vrf ${JSON.stringify(cfg.vrf)}: ${vrfIssue}`);
  const commandFor = (base: string, support: VrfSupport | undefined): string =>
    cfg.vrf === undefined ? base : support?.kind === "named" ? support.command : support?.kind === "selected" ? support.command(cfg.vrf) : base;
  const defaultCommand = commandFor(platform.command, platform.vrf);
  const command = cfg.command ?? defaultCommand;
  const problem = commandProblem(command, cfg.platform);
  if (problem !== null) {
    throw new Error(`router ${cfg.name}: command ${JSON.stringify(command)} ${problem}; use the platform default (${defaultCommand}) or a plain show command`);
  }
  /** The ARP table (IPv4 VIPs) and the IPv6 neighbour table: what to run, how to read it and which VRF it shows. */
  interface TableSpec {
    command: string;
    parse: CliParser;
    /** How this command shows or selects VRFs on the platform. */
    vrf: VrfSupport | undefined;
    /** `command:` replaced the platform's command (it then chose the VRF, if any). */
    overridden: boolean;
  }
  const arpTable: TableSpec = { command, parse: platform.parse, vrf: platform.vrf, overridden: cfg.command !== undefined };
  const v6 = platform.ipv6;
  const ipv6Table: TableSpec | null = v6 ? { command: commandFor(v6.command, v6.vrf), parse: v6.parse, vrf: v6.vrf, overridden: false } : null;
  const perVip = cfg.platform === "linux" && cfg.command === undefined;
  const where = (cmd: string) => `\`${cmd}\` on ${cfg.name} (${cfg.platform}, ${cfg.host}:${cfg.port})`;

  async function run(cmd: string, label: string, acceptExit = false): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${where(label)}: no answer within ${cfg.timeoutMs} ms; check that the router is reachable over SSH`)),
        cfg.timeoutMs + TIMEOUT_GRACE_MS,
      );
    });
    try {
      const res = await Promise.race([runner.exec(cmd, { timeoutMs: cfg.timeoutMs }), guard]);
      if (res.code !== 0 && !acceptExit) {
        const why = res.code === null ? "was killed by a signal" : `exited with code ${res.code}`;
        const detail = firstLine(res.stderr) || firstLine(res.stdout) || "no output";
        throw new Error(`${where(label)} ${why}: ${detail}; check the platform and the user's rights on the router`);
      }
      return res.stdout;
    } finally {
      clearTimeout(timer);
    }
  }

  function check(spec: TableSpec, stdout: string, parsed: ParseResult): void {
    const first = parsed.errors[0];
    if (first) {
      const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more unreadable lines)` : "";
      throw new Error(
        `cannot parse \`${spec.command}\` output from ${cfg.name}, line ${first.line}: ${first.text} (${first.reason})${more}; ` +
          `check that platform "${cfg.platform}" matches the router`,
      );
    }
    // Every supported CLI prints at least a header; `ip -j neigh` may print nothing for an empty table.
    if (cfg.platform !== "linux" && stdout.trim() === "") {
      throw new Error(`${where(spec.command)} printed nothing; check that the command works in the router's CLI for this user`);
    }
  }

  async function readTable(spec: TableSpec, vips: string[]): Promise<CliArpEntry[]> {
    if (vips.length === 0) return [];
    const stdout = await run(spec.command, spec.command);
    let parsed: ParseResult;
    try {
      parsed = spec.parse(stdout);
    } catch (err) {
      // Parsers do not throw; if one ever does, it is still this router's collector error.
      throw new Error(`cannot parse \`${spec.command}\` output from ${cfg.name}: ${(err as Error).message}`);
    }
    check(spec, stdout, parsed);
    // A VRF asked for by name in the command: every entry printed is that VRF's.
    const entries = cfg.vrf !== undefined && spec.vrf?.kind === "selected" && !spec.overridden ? parsed.entries.map((e) => ({ ...e, vrf: cfg.vrf })) : parsed.entries;
    // Output that names VRFs is filtered by name; a selecting command (or override) already chose.
    const named = spec.vrf?.kind === "named" ? spec.vrf : undefined;
    const selected = selectVipEntries(entries, vips, {
      ...(cfg.vrf !== undefined && named ? { vrf: cfg.vrf } : {}),
      ...(named ? { unnamed: named.unnamed } : {}),
    });
    if ("error" in selected) throw new Error(`${where(spec.command)}: ${selected.error}`);
    for (const w of selected.warnings) log.warn({ router: cfg.name }, `${w} (set vrf: or point command: at one table)`);
    log.debug({ router: cfg.name, rows: parsed.entries.length, vips: vips.length, found: selected.entries.length }, "ssh router read");
    return selected.entries;
  }

  // linux: the interface of each VIP, from config or asked of the kernel once per VIP set.
  let ifaces: { key: string; map: Map<string, string> } | undefined;
  async function interfaces(vips: string[]): Promise<Map<string, string>> {
    if (cfg.interface !== undefined) return new Map(vips.map((v) => [v, cfg.interface!]));
    const key = vips.join(" ");
    if (ifaces?.key === key) return ifaces.map;
    const out = await run(routeGetCommand(vips), "ip -j route get VIP", true);
    const routes = readRouteGet(out, vips);
    if ("error" in routes) throw new Error(`${where("ip -j route get VIP")}: ${routes.error}`);
    ifaces = { key, map: routes.ifaces };
    return routes.ifaces;
  }

  async function readVips(vips: string[]): Promise<CliArpEntry[]> {
    if (vips.length === 0) return [];
    const map = await interfaces(vips);
    const out = await run(neighGetCommand(vips, (v) => map.get(v)!), "ip -j neigh get VIP dev IF", true);
    const read = readNeighGet(out, vips);
    if ("error" in read) throw new Error(`${where("ip -j neigh get VIP dev IF")}: ${read.error}`);
    return read.entries;
  }

  return {
    name: cfg.name,
    kind: "ssh",
    async read(vips: string[]): Promise<RouterReading> {
      const unique = [...new Set(vips)];
      if (perVip) return { router: cfg.name, entries: (await readVips(unique)).map(toArpEntry) };
      const v4 = unique.filter(isIpv4);
      const v6 = unique.filter((v) => !isIpv4(v));
      if (v6.length > 0 && !ipv6Table) throw new Error(`router ${cfg.name}: ${ipv6Problem(cfg.platform)}`);
      const found = [...(await readTable(arpTable, v4)), ...(ipv6Table ? await readTable(ipv6Table, v6) : [])];
      // In the order the VIPs were asked for, as one table gives them.
      const byVip = new Map(found.map((e) => [e.ip, e]));
      return { router: cfg.name, entries: unique.flatMap((v) => (byVip.has(v) ? [toArpEntry(byVip.get(v)!)] : [])) };
    },
    close: () => runner.close(),
  };
}
