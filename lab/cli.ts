// `npm run lab -- up|down|status`: the real network lab from the command line (needs root).
import { Command, InvalidArgumentError, Option } from "commander";
import { existsSync } from "node:fs";
import { LAB_FAMILIES, LAB_SUBNETS, type LabFamily, type LabSubnet } from "./addressing.js";
import { run } from "./exec.js";
import { LabRefused, downLabAt, startLab, type Lab } from "./lab.js";
import { listNamespaces, neighForVips } from "./netns.js";
import { isAlive } from "./procs.js";
import { loadState, registeredLabs, type LabState } from "./state.js";
import { teardownByPrefix } from "./teardown.js";

const DEFAULT_DIR = "/tmp/vip-arp-lab";
const DEFAULT_PREFIX = "vae-lab";

function int(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

function printUp(lab: Lab, neigh: Record<string, string | null>): void {
  const who = (mac: string | null): string =>
    mac === null ? "(no entry)" : `${mac} (${lab.nodes.find((n) => n.mac === mac)?.name ?? (mac === lab.rogue.mac ? "lab-rogue" : "unknown")})`;
  const cfg = lab.configFile;
  const v6 = (h: { address6?: string }): string => (h.address6 ? ` ${h.address6}` : "");
  const nodeV6 = lab.nodes[lab.nodes.length > 1 ? 1 : 0]!;
  const lines = [
    `Lab is up: ${lab.mode} mode, ${lab.nodes.length} nodes, ${lab.vips.length} VIPs, subnet ${lab.subnet}${lab.prefix6 ? ` and ${lab.prefix6}` : ""}, dir ${lab.dir}`,
    "",
    `  router  ${lab.router.name.padEnd(11)} ${lab.router.address.padEnd(16)} ${lab.router.mac}  netns ${lab.router.ns} (snmpd, sshd)${v6(lab.router)}`,
    ...lab.nodes.map((n) => `  node    ${n.name.padEnd(11)} ${n.address.padEnd(16)} ${n.mac}  netns ${n.ns} (sshd${lab.mode === "keepalived" ? ", keepalived" : ""})${v6(n)}`),
    `  rogue   ${lab.rogue.name.padEnd(11)} ${lab.rogue.address.padEnd(16)} ${lab.rogue.mac}  netns ${lab.rogue.ns}${v6(lab.rogue)}`,
    `  host    ${lab.hostLeg.padEnd(11)} ${lab.hostAddress} (IPv4 only)`,
    "",
    lab.vips6.length ? "The router's ARP table and IPv6 neighbour cache for the VIPs:" : "The router's ARP table for the VIPs:",
    ...lab.vips.map((v) => `  ${v.padEnd(20)} -> ${who(neigh[v] ?? null)}`),
    "",
    `Exporter config: ${cfg}`,
    "Run the exporter against it:",
    `  node dist/src/cli.js --config.file ${cfg}`,
    `  node dist/src/cli.js check --config.file ${cfg}`,
    `  curl -s -X POST -H "Authorization: Bearer $(cat ${lab.tokenFile})" http://127.0.0.1:9797/remediate`,
    "Make some drift:",
    ...(lab.vips4.length ? [`  ip netns exec ${nodeV6.ns} arping -U -c 1 -I eth0 ${lab.vips4[0]}`] : []),
    ...(lab.vips6.length ? [`  ip netns exec ${nodeV6.ns} ndptool send -t na -U -i eth0 -T ${lab.vips6[0]}`] : []),
    `  ip -n ${lab.router.ns} neigh show dev eth0`,
    `  snmpwalk -v2c -c ${lab.community} ${lab.router.address} 1.3.6.1.2.1.4.22.1.2`,
    ...(lab.vips6.length ? [`  snmpwalk -v2c -c ${lab.community} ${lab.router.address} 1.3.6.1.2.1.4.35.1.4     # IPv6 rows (stale after an in-place change: docs/lab.md)`] : []),
    `  ssh -F /dev/null -i ${lab.privateKeyFile} -o UserKnownHostsFile=${lab.knownHostsFile} root@${lab.nodes[0]!.address} ip -br addr`,
    `Tear down: npm run lab -- down${lab.dir === DEFAULT_DIR ? "" : ` --dir ${lab.dir}`}`,
  ];
  console.log(lines.join("\n"));
}

async function status(state: LabState): Promise<string[]> {
  const present = new Set(await listNamespaces());
  const out = [
    `lab ${state.prefix}: ${state.mode} mode, subnet ${state.subnet}, dir ${state.dir}, since ${state.createdAt}`,
    `  namespaces: ${state.namespaces.map((ns) => `${ns}${present.has(ns) ? "" : " (missing)"}`).join(", ") || "none"}`,
    `  processes: ${state.processes.map((p) => `${p.role} ${p.pid}${isAlive(p) ? "" : " (dead)"}`).join(", ") || "none"}`,
  ];
  const info = state.info;
  if (info && present.has(info.routerNs)) {
    const neigh = neighForVips(await run(["ip", "-n", info.routerNs, "-j", "neigh", "show", "dev", "eth0"]), info.vips);
    out.push("  router ARP and neighbour entries:");
    for (const v of info.vips) {
      const mac = neigh[v] ?? null;
      out.push(`    ${v.padEnd(20)} -> ${mac ?? "(no entry)"}${mac ? ` (${info.hosts.find((h) => h.mac === mac)?.name ?? "unknown"})` : ""}`);
    }
    out.push(`  config: ${info.configFile}`);
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command("lab").description("real network lab for vip-arp-exporter (needs root)").exitOverride();
  let code = 0;
  program
    .command("up", { isDefault: true })
    .description("start a lab and write the exporter config for it")
    .option("--nodes <n>", "infra nodes", int(1, 20), 3)
    .option("--vips <n>", "VIPs", int(1, 50), 3)
    .addOption(new Option("--mode <mode>", "static: every node holds every VIP; keepalived: VRRP masters hold them").choices(["static", "keepalived"]).default("static"))
    .addOption(new Option("--subnet <subnet>", "lab subnet").choices([...LAB_SUBNETS]).default(LAB_SUBNETS[0]))
    .addOption(new Option("--family <family>", "VIPs: ipv4, ipv6 (in the subnet's /64 of 2001:db8::/32) or dual (both)").choices([...LAB_FAMILIES]).default("ipv4"))
    .addOption(new Option("--arp-accept <n>", "the router's arp_accept").choices(["0", "1", "2"]).default("0"))
    .option("--no-spread", "keepalived: make lab-node-1 master of every VIP")
    .option("--dir <dir>", "lab directory", DEFAULT_DIR)
    .option("--prefix <prefix>", "namespace name prefix", DEFAULT_PREFIX)
    .action(async (o: { nodes: number; vips: number; mode: "static" | "keepalived"; subnet: LabSubnet; family: LabFamily; arpAccept: string; spread: boolean; dir: string; prefix: string }) => {
      process.once("SIGINT", () => {
        console.error(`\ninterrupted: run \`npm run lab -- down --dir ${o.dir}\` to remove what was started`);
        process.exit(130);
      });
      const lab = await startLab({
        nodes: o.nodes, vips: o.vips, vipMode: o.mode, subnet: o.subnet, family: o.family, arpAccept: Number(o.arpAccept) as 0 | 1 | 2,
        spreadMasters: o.spread, dir: o.dir, prefix: o.prefix,
      });
      printUp(lab, await lab.routerNeigh());
    });
  program
    .command("down")
    .description("tear a lab down (also one left by a crashed run)")
    .option("--dir <dir>", "lab directory", DEFAULT_DIR)
    .option("--all", "every lab registered on this host")
    .action(async (o: { dir: string; all?: boolean }) => {
      const dirs = o.all ? registeredLabs() : [{ prefix: "", dir: o.dir }];
      if (dirs.length === 0) console.log("no labs registered");
      for (const { prefix, dir } of dirs) {
        if (await downLabAt(dir)) {
          console.log(`lab in ${dir} is down`);
        } else if (prefix) {
          const ns = await teardownByPrefix(prefix, dir);
          console.log(`lab ${prefix}: no state file in ${dir}; removed ${ns.length ? ns.join(", ") : "no namespaces (already gone)"}`);
          if (existsSync(dir)) console.log(`  its files are left in ${dir}: remove them by hand`);
        } else {
          console.log(`no lab state in ${dir} (nothing to do; \`down --all\` removes every registered lab)`);
        }
      }
    });
  program
    .command("status")
    .description("show running labs and their router's ARP table for the VIPs")
    .option("--dir <dir>", "only the lab in this directory")
    .action(async (o: { dir?: string }) => {
      const dirs = o.dir ? [o.dir] : [...new Set([...registeredLabs().map((l) => l.dir), ...(existsSync(DEFAULT_DIR) ? [DEFAULT_DIR] : [])])];
      let any = false;
      for (const dir of dirs) {
        const state = loadState(dir);
        if (!state) continue;
        any = true;
        console.log((await status(state)).join("\n"));
      }
      if (!any) {
        console.log("no lab is running");
        code = 1;
      }
    });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
    if (e.code?.startsWith("commander.")) return 2; // usage error, already printed by commander
    console.error(`lab: ${e.message ?? String(err)}`);
    return err instanceof LabRefused ? 2 : 1;
  }
  return code;
}

process.exitCode = await main(process.argv.slice(2));
