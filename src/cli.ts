#!/usr/bin/env node
// The command line: serve (default), check, remediate. Exit codes: 0 ok, 1 problems found,
// 2 usage, config or collection errors.
import { Command, CommanderError, Option } from "commander";
import { ConfigError } from "./config/load.js";
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "./log.js";
import { versionText } from "./version.js";
import { openRuntime, UsageError, type Runtime } from "./cli/runtime.js";
import { serve, serveUntilSignal } from "./cli/serve.js";
import { parseDuration } from "./config/duration.js";
import { parseTimeoutOffset } from "./http/scrape-budget.js";
import { loadWebConfigFile } from "./http/web-config.js";
import { runCheck } from "./cli/check.js";
import { runRemediate } from "./cli/remediate.js";
import { registerHealthcheck } from "./cli/healthcheck.js";

interface CommonOpts {
  "config.file"?: string;
  "sim.scenario"?: string;
  "log.level": LogLevel;
  "log.format": LogFormat;
}

const configOption = (): Option =>
  new Option("--config.file <path>", "YAML config file (without it: the built-in demo on a simulated segment)");
const scenarioOption = (): Option =>
  new Option("--sim.scenario <path>", "run on the simulated segment of this scenario file instead of a real network");
const logOption = (def: LogLevel): Option => new Option("--log.level <level>", "log level (logs go to stderr)").choices(LOG_LEVELS).default(def);
const logFormatOption = (): Option => new Option("--log.format <format>", "log format: logfmt (as Prometheus and its exporters) or json lines").choices(LOG_FORMATS).default("logfmt");

function printDemoHelp(rt: Runtime, port: number | null, scheme: string, stream: NodeJS.WriteStream): void {
  if (!rt.sim) return;
  const bar = "=".repeat(78);
  const lines = [bar, rt.banner ?? "", bar];
  if (port !== null) {
    const base = `${scheme}://localhost:${port}`;
    lines.push(
      `Scrape:    curl -s ${base}/metrics | grep -E '^(vip_mac_owner|infra_node_vip_count|arp_imbalance_ratio)'`,
      `Look at:   ${base}/  (the router's view per VIP)`,
      `Repair:    curl -s -X POST -H "Authorization: Bearer $(cat ${rt.tokenFile})" ${base}/remediate`,
      rt.config.remediation.tokenSource === "demo"
        ? `           (token ${rt.config.remediation.token}, generated for this demo; set VIP_ARP_REMEDIATE_TOKEN to choose it)`
        : `           (token from VIP_ARP_REMEDIATE_TOKEN)`,
    );
  }
  const routers = Object.entries(rt.sim.routers).map(([n, r]) => `${n} snmp 127.0.0.1:${r.port}`);
  const nodes = Object.entries(rt.sim.nodes).map(([n, s]) => `${n} ssh 127.0.0.1:${s.port}`);
  lines.push(`Simulated routers: ${routers.join(", ")}`, `Simulated nodes:   ${nodes.join(", ")}`, bar);
  stream.write(lines.join("\n") + "\n");
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command("vip-arp-exporter")
    .description("Prometheus exporter: which node does the router really send each VIP's traffic to?")
    .version(versionText(), "--version")
    .enablePositionalOptions()
    .helpCommand("help [command]", "show help for a command")
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) })
    .addOption(configOption())
    .addOption(scenarioOption())
    .addOption(
      new Option("--web.listen-address <address>", "address to listen on for the web interface and telemetry; repeat it to listen on several (default: \":9797\")").argParser(
        (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
      ),
    )
    .addOption(
      new Option("--web.timeout-offset <seconds>", "a scrape answers this long before X-Prometheus-Scrape-Timeout-Seconds runs out (seconds, or a duration like 500ms)").default("0.5"),
    )
    .addOption(new Option("--web.telemetry-path <path>", "path under which to expose metrics").default("/metrics"))
    .addOption(new Option("--web.config.file <path>", "web config file (exporter-toolkit format) enabling TLS and/or basic auth").env("VIP_ARP_WEB_CONFIG_FILE"))
    .addOption(logOption("info"))
    .addOption(logFormatOption())
    .action(async (o: CommonOpts & { "web.listenAddress"?: string[]; "web.timeoutOffset": string; "web.telemetryPath": string; "web.config.file"?: string }) => {
      const log = createLogger(o["log.level"], o["log.format"]);
      const webConfigFile = o["web.config.file"];
      const timeoutOffsetMs = parseTimeoutOffset(o["web.timeoutOffset"], parseDuration);
      const webConfig = webConfigFile ? loadWebConfigFile(webConfigFile) : undefined;
      const rt = await openRuntime({ configFile: o["config.file"], scenario: o["sim.scenario"] });
      if (rt.banner) log.warn(rt.banner);
      let exporter;
      try {
        exporter = await serve(
          rt,
          {
            listenAddresses: o["web.listenAddress"] ?? [":9797"],
            telemetryPath: o["web.telemetryPath"],
            timeoutOffsetMs,
            ...(webConfigFile ? { webConfigFile } : {}),
            ...(webConfig ? { webConfig } : {}),
            ...(o["config.file"] ? { configFile: o["config.file"] } : {}),
          },
          log,
        );
      } catch (err) {
        await rt.close();
        throw err;
      }
      printDemoHelp(rt, exporter.web.listeners[0]?.port ?? null, exporter.web.scheme, process.stderr);
      exitCode = await serveUntilSignal(exporter, rt, log);
    });

  program
    .command("check")
    .description("read every router and node once, print the router's view per VIP and the VIPs per node\nexit 0 balanced and healthy, 1 problems found, 2 config or collection errors")
    .addOption(configOption())
    .addOption(scenarioOption())
    .addOption(new Option("--output <format>", "output format").choices(["table", "json"]).default("table"))
    .addOption(logOption("warn"))
    .addOption(logFormatOption())
    .action(async (o: CommonOpts & { output: "table" | "json" }) => {
      const log = createLogger(o["log.level"], o["log.format"]);
      const rt = await openRuntime({ configFile: o["config.file"], scenario: o["sim.scenario"] });
      try {
        if (rt.banner && o.output === "table") process.stderr.write(`${rt.banner}\n\n`);
        exitCode = await runCheck(rt.config, o.output, log);
      } finally {
        await rt.close();
      }
    });

  program
    .command("remediate")
    .description("plan the fewest gratuitous ARPs that spread the VIPs evenly over the nodes holding them, send them over SSH and verify\nexit 0 all verified or nothing to do, 1 some action failed, 2 config or collection errors")
    .addOption(configOption())
    .addOption(scenarioOption())
    .addOption(new Option("--dry-run", "print the plan, send nothing"))
    .addOption(new Option("--reassert", "announce every VIP from its target node, even where routers agree"))
    .addOption(new Option("--vip <vip...>", "only these VIPs"))
    .addOption(new Option("--output <format>", "output format").choices(["table", "json"]).default("table"))
    .addOption(logOption("warn"))
    .addOption(logFormatOption())
    .action(async (o: CommonOpts & { dryRun?: boolean; reassert?: boolean; vip?: string[]; output: "table" | "json" }) => {
      const log = createLogger(o["log.level"], o["log.format"]);
      const rt = await openRuntime({ configFile: o["config.file"], scenario: o["sim.scenario"] });
      try {
        if (rt.banner && o.output === "table") process.stderr.write(`${rt.banner}\n\n`);
        exitCode = await runRemediate(rt.config, { dryRun: !!o.dryRun, reassert: !!o.reassert, vips: o.vip, output: o.output }, log);
      } finally {
        await rt.close();
      }
    });

  registerHealthcheck(program, (code) => (exitCode = code));

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`vip-arp-exporter: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`vip-arp-exporter: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

main(process.argv).then(
  (code) => {
    // Exit once output is flushed: SSH keepalives and SNMP sockets must not keep one-shot commands alive.
    process.stdout.write("", () => process.exit(code));
  },
  (err) => {
    process.stderr.write(`vip-arp-exporter: ${String(err)}\n`);
    process.exit(2);
  },
);
