// Router source over SSH: runs the platform's ARP command (a fixed string) and parses it.
// Unparseable output is a collector error naming the first offending line, never silence.
import type { SshRouterConfig } from "../config/types.js";
import type { Logger } from "../log.js";
import type { ArpEntry, CommandRunner, RouterReading } from "../model/types.js";
import { commandProblem, PLATFORMS } from "./router-cli/index.js";
import type { CliArpEntry, ParseResult } from "./router-cli/types.js";
import type { RouterSource } from "./types.js";

/** Extra time past the command timeout before we stop waiting for a runner that ignores it. */
const TIMEOUT_GRACE_MS = 1000;

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
}

export function createSshRouterSource(cfg: SshRouterConfig, runner: CommandRunner, log: Logger): RouterSource {
  const platform = PLATFORMS[cfg.platform];
  if (!platform) {
    throw new Error(`router ${cfg.name}: unknown platform "${cfg.platform}"; use one of ${Object.keys(PLATFORMS).join(", ")}`);
  }
  const command = cfg.command ?? platform.command;
  const problem = commandProblem(command, cfg.platform);
  if (problem !== null) {
    throw new Error(`router ${cfg.name}: command ${JSON.stringify(command)} ${problem}; use the platform default (${platform.command}) or a plain show command`);
  }
  const where = `\`${command}\` on ${cfg.name} (${cfg.platform}, ${cfg.host}:${cfg.port})`;

  async function run(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${where}: no answer within ${cfg.timeoutMs} ms; check that the router is reachable over SSH`)),
        cfg.timeoutMs + TIMEOUT_GRACE_MS,
      );
    });
    try {
      const res = await Promise.race([runner.exec(command, { timeoutMs: cfg.timeoutMs }), guard]);
      if (res.code !== 0) {
        const why = res.code === null ? "was killed by a signal" : `exited with code ${res.code}`;
        const detail = firstLine(res.stderr) || firstLine(res.stdout) || "no output";
        throw new Error(`${where} ${why}: ${detail}; check the platform and the user's rights on the router`);
      }
      return res.stdout;
    } finally {
      clearTimeout(timer);
    }
  }

  function check(stdout: string, parsed: ParseResult): void {
    const first = parsed.errors[0];
    if (first) {
      const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more unreadable lines)` : "";
      throw new Error(
        `cannot parse \`${command}\` output from ${cfg.name}, line ${first.line}: ${first.text} (${first.reason})${more}; ` +
          `check that platform "${cfg.platform}" matches the router`,
      );
    }
    // Every supported CLI prints at least a header; `ip -j neigh` may print nothing for an empty table.
    if (cfg.platform !== "linux" && stdout.trim() === "") {
      throw new Error(`${where} printed nothing; check that the command works in the router's CLI for this user`);
    }
  }

  return {
    name: cfg.name,
    kind: "ssh",
    async read(vips: string[]): Promise<RouterReading> {
      const stdout = await run();
      let parsed: ParseResult;
      try {
        parsed = platform.parse(stdout);
      } catch (err) {
        // Parsers do not throw; if one ever does, it is still this router's collector error.
        throw new Error(`cannot parse \`${command}\` output from ${cfg.name}: ${(err as Error).message}`);
      }
      check(stdout, parsed);
      const wanted = new Set(vips);
      const byVip = new Map<string, CliArpEntry>();
      for (const e of parsed.entries) {
        if (!wanted.has(e.ip)) continue;
        const seen = byVip.get(e.ip);
        if (!seen) byVip.set(e.ip, e);
        else if (seen.mac !== e.mac) {
          log.warn(
            { router: cfg.name, vip: e.ip, kept: seen.mac, ignored: e.mac, vrfs: [seen.vrf ?? null, e.vrf ?? null] },
            "router lists the VIP more than once with different MACs; keeping the first (set the router's command to a single VRF)",
          );
        }
      }
      const entries: ArpEntry[] = [];
      for (const vip of wanted) {
        const e = byVip.get(vip);
        if (!e) continue;
        const a: ArpEntry = { vip, mac: e.mac, static: e.static };
        if (e.interface !== undefined) a.interface = e.interface;
        entries.push(a);
      }
      log.debug({ router: cfg.name, rows: parsed.entries.length, vips: vips.length, found: entries.length }, "ssh router read");
      return { router: cfg.name, entries };
    },
    close: () => runner.close(),
  };
}
