// Self-tests of the real network lab (lab/): real namespaces, snmpd, sshd, arping and
// keepalived. They need root and the Debian tools; in CI a missing tool is a failure.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, LabRefused, startLab } from "../../lab/lab.js";
import { addressesFromIpAddr, linkExists, listNamespaces, neighForVips } from "../../lab/netns.js";
import { processesInNetns } from "../../lab/ns-procs.js";
import { reapAbandonedLabs } from "../../lab/reap.js";
import { isAlive, procStartTime, type TrackedProcess } from "../../lab/procs.js";
import { REGISTRY_DIR } from "../../lab/state.js";
import { BASE_TOOLS, CLIENT_TOOLS, KEEPALIVED_TOOLS, missingTools } from "../../lab/tools.js";
import { pollUntil } from "../../lab/wait.js";
import { loadConfigFile } from "../../src/config/load.js";

const CI = process.env.CI === "true";
const isRoot = process.getuid?.() === 0;
const missing = missingTools([...BASE_TOOLS, ...KEEPALIVED_TOOLS, ...CLIENT_TOOLS]);
const canRun = isRoot && missing.length === 0;
const why = !isRoot ? "not root" : `missing ${missing.join(", ")}`;
// Labs of this file use the alternative subnet; a concurrent lab elsewhere may hold the default.
const SUBNET = "203.0.113.0/24" as const;
const uniquePrefix = (tag: string): string => `vt${tag}-${randomBytes(3).toString("hex")}`;

function sh(argv: string[], timeoutMs = 15_000, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs, env: env ?? process.env }, (err, stdout, stderr) =>
      err ? reject(new Error(`${argv.join(" ")}: ${err.message} ${stderr}`)) : resolve(stdout),
    );
  });
}

/** ssh argv; ConnectTimeout covers the handshake too: generous, for a loaded 2-core machine. */
function sshArgv(lab: Lab, address: string, command: string[], connectTimeoutS = 10): string[] {
  return [
    "ssh", "-F", "/dev/null", "-i", lab.privateKeyFile, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
    "-o", `UserKnownHostsFile=${lab.knownHostsFile}`, "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", "StrictHostKeyChecking=yes", "-o", `ConnectTimeout=${connectTimeoutS}`, `root@${address}`, ...command,
  ];
}

/** `snmpwalk -On -Ox` output of ipNetToMediaPhysAddress -> IP -> MAC. */
function parseMediaWalk(out: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const m = /^\.1\.3\.6\.1\.2\.1\.4\.22\.1\.2\.\d+\.(\d+\.\d+\.\d+\.\d+) = Hex-STRING: ((?:[0-9A-F]{2} ?){6})/i.exec(line.trim());
    if (m) map[m[1]!] = m[2]!.trim().split(" ").join(":").toLowerCase();
  }
  return map;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

/** Pids of processes whose command line mentions dir (the lab's daemons name their config there). */
function processesMentioning(dir: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, "utf8");
      if (cmd.includes(dir) && procStartTime(Number(e)) !== null) out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}

async function expectGone(lab: Lab, procs: readonly TrackedProcess[]): Promise<void> {
  expect((await listNamespaces()).filter((ns) => ns.startsWith(`${lab.prefix}-`))).toEqual([]);
  expect(await linkExists(lab.hostLeg)).toBe(false);
  // By start time too: a pid the kernel gave to someone else since is not ours.
  expect(procs.filter(isAlive).map((p) => `${p.role} (${p.pid})`)).toEqual([]);
  expect(processesMentioning(lab.dir)).toEqual([]);
  expect(existsSync(lab.dir)).toBe(false);
  expect(existsSync(join(REGISTRY_DIR, `${lab.prefix}.json`))).toBe(false);
}

function stateProcesses(lab: Lab): TrackedProcess[] {
  return (JSON.parse(readFileSync(join(lab.dir, "state.json"), "utf8")) as { processes: TrackedProcess[] }).processes;
}

if (CI) {
  it("CI runs the lab: root and every lab tool are present", () => {
    expect({ root: isRoot, missing }).toEqual({ root: true, missing: [] });
  });
}

describe.skipIf(!canRun)(canRun ? "real network lab" : `real network lab SKIPPED (${why})`, () => {
  describe("static mode", () => {
    let lab: Lab | undefined;
    const L = (): Lab => lab!;

    beforeAll(async () => {
      await reapAbandonedLabs();
      lab = await startLab({ prefix: uniquePrefix("s"), subnet: SUBNET, subnetWaitMs: 90_000, ownedByProcess: true });
    }, 120_000);
    afterAll(async () => {
      await lab?.down();
    }, 60_000);

    it("comes up: every VIP on every node, the router maps each VIP to some node's MAC", async () => {
      const nodeMacs = L().nodes.map((n) => n.mac);
      const neigh = await L().routerNeigh();
      for (const vip of L().vips) expect(nodeMacs).toContain(neigh[vip]);
      for (const n of L().nodes) expect(await L().nodeAddresses(n.name)).toEqual(expect.arrayContaining([n.address, ...L().vips]));
      const ns = await listNamespaces();
      for (const h of [L().router, L().rogue, ...L().nodes]) expect(ns).toContain(h.ns);
    });

    it("writes a config the exporter's loader accepts, naming the lab's router twice and every node", () => {
      const cfg = loadConfigFile(L().configFile, {});
      expect(cfg.vips).toEqual(L().vips);
      expect(cfg.nodes.map((n) => [n.name, n.host])).toEqual(L().nodes.map((n) => [n.name, n.address]));
      expect(cfg.routers.map((r) => [r.type, r.host])).toEqual([
        ["snmp", L().router.address],
        ["ssh", L().router.address],
      ]);
      expect(cfg.remediation.token).toBe(L().token);
      // A slow source must fail on its own timeout (and show up as such), not the scrape's.
      for (const r of cfg.routers) {
        const worst = r.type === "snmp" ? r.timeoutMs * (r.retries + 1) : r.timeoutMs;
        expect(worst).toBeLessThan(cfg.scrapeTimeoutMs);
      }
      expect(cfg.ssh!.timeoutMs).toBeLessThan(cfg.scrapeTimeoutMs);
    });

    it("snmpwalk of ipNetToMediaPhysAddress from the host equals the router's ip neigh", async () => {
      const env = { ...process.env, MIBS: ":", SNMP_PERSISTENT_DIR: join(L().dir, "snmp-client") };
      const out = await sh(["snmpwalk", "-v2c", "-c", L().community, "-On", "-Ox", "-t", "3", "-r", "2", L().router.address, "1.3.6.1.2.1.4.22.1.2"], 30_000, env);
      const walked = parseMediaWalk(out);
      const neigh = await L().routerNeigh();
      for (const vip of L().vips) {
        expect(neigh[vip]).toMatch(/^02:1a:4a:00:00:/);
        expect(walked[vip]).toBe(neigh[vip]);
      }
    });

    it("a wrong community gets nothing from snmpd", async () => {
      const env = { ...process.env, MIBS: ":", SNMP_PERSISTENT_DIR: join(L().dir, "snmp-client") };
      await expect(sh(["snmpget", "-v2c", "-c", "public", "-On", "-t", "1", "-r", "0", L().router.address, "1.3.6.1.2.1.1.5.0"], 10_000, env)).rejects.toThrow(/Timeout/);
    });

    it("OpenSSH to a node (lab key, known_hosts) shows its hostname and the VIPs on eth0", async () => {
      const node = L().nodes[0]!;
      expect((await sh(sshArgv(L(), node.address, ["hostname"]))).trim()).toBe(node.name);
      const json = await sh(sshArgv(L(), node.address, ["ip", "-j", "addr", "show", "dev", "eth0"]));
      expect(addressesFromIpAddr(json)).toEqual(expect.arrayContaining(L().vips));
      expect((JSON.parse(json) as { address: string }[])[0]!.address).toBe(node.mac);
    });

    it("OpenSSH to the router runs ip -j neigh, which agrees with the lab's view", async () => {
      const json = await sh(sshArgv(L(), L().router.address, ["ip", "-j", "neigh", "show", "dev", "eth0"]));
      expect(neighForVips(json, L().vips)).toEqual(await L().routerNeigh());
      expect((await sh(sshArgv(L(), L().router.address, ["hostname"]))).trim()).toBe("lab-router");
    });

    it("arping -U from node 2 remaps a VIP to node 2's MAC", async () => {
      const [n1, n2] = [L().nodes[0]!, L().nodes[1]!];
      const vip = L().vips[0]!;
      // Make sure the entry starts elsewhere, so the change is node 2's doing.
      if ((await L().routerNeigh())[vip] === n2.mac) {
        await L().garp(n1.name, vip);
        await pollUntil("vip on node 1", async () => ((await L().routerNeigh())[vip] === n1.mac ? true : undefined), { timeoutMs: 5_000 });
      }
      expect((await L().routerNeigh())[vip]).not.toBe(n2.mac);
      await L().exec(n2.ns, ["arping", "-U", "-c", "1", "-I", "eth0", vip]);
      const mac = await pollUntil("the router to take node 2's GARP", async () => {
        const m = (await L().routerNeigh())[vip];
        return m === n2.mac ? m : undefined;
      }, { timeoutMs: 5_000 }).catch(async () => (await L().routerNeigh())[vip]);
      expect(mac).toBe(n2.mac);
    });

    it("a rogue namespace's GARP maps a VIP to a MAC that belongs to no node", async () => {
      const vip = L().vips[1]!;
      await L().rogueGarp(vip);
      const mac = await pollUntil("the router to take the rogue GARP", async () => {
        const m = (await L().routerNeigh())[vip];
        return m === L().rogue.mac ? m : undefined;
      }, { timeoutMs: 5_000 }).catch(async () => (await L().routerNeigh())[vip]);
      expect(mac).toBe(L().rogue.mac);
      expect(L().nodes.map((n) => n.mac)).not.toContain(mac);
    });

    it("with arp_accept 0 a GARP creates no missing entry; with arp_accept 1 it does", async () => {
      const [n1, n2] = [L().nodes[0]!, L().nodes[1]!];
      const [missingVip, marker] = [L().vips[2]!, L().vips[0]!];
      expect(await L().routerArpAccept()).toBe(0);
      await L().forgetRouterEntry(missingVip);
      expect((await L().routerNeigh())[missingVip]).toBeNull();
      // The marker entry starts on node 2; node 1's GARPs for the missing VIP and then for the
      // marker arrive in order, so once the marker moved the first GARP was processed too.
      await L().garp(n2.name, marker);
      await pollUntil("marker on node 2", async () => ((await L().routerNeigh())[marker] === n2.mac ? true : undefined), { timeoutMs: 5_000 });
      await L().garp(n1.name, missingVip);
      await L().garp(n1.name, marker);
      await pollUntil("marker on node 1", async () => ((await L().routerNeigh())[marker] === n1.mac ? true : undefined), { timeoutMs: 5_000 });
      expect((await L().routerNeigh())[missingVip]).toBeNull();

      await L().setArpAccept(1);
      try {
        await L().garp(n1.name, missingVip);
        const created = await pollUntil("a created entry", async () => (await L().routerNeigh())[missingVip] ?? undefined, { timeoutMs: 5_000 }).catch(() => null);
        expect(created).toBe(n1.mac);
      } finally {
        await L().setArpAccept(0); // later tests expect the Linux default
      }
    }, 60_000);

    it("a node goes down (link down, sshd, its sessions and every other process in it stopped) and comes back", async () => {
      const node = L().nodes[2]!;
      const argv = sshArgv(L(), node.address, ["sleep", "61"]);
      const session = spawn(argv[0]!, argv.slice(1), { stdio: "ignore" });
      const ended = new Promise<void>((resolve) => session.once("exit", () => resolve()));
      // A command someone left running in the namespace, outside sshd's process tree.
      const stray = spawn("ip", ["netns", "exec", node.ns, "sleep", "62"], { stdio: "ignore", detached: true });
      const commandsIn = (ns: string): string[] => processesInNetns(ns).map((p) => cmdline(p.pid));
      try {
        // The session counts once its command runs (a bare TCP connection is not a session yet).
        await pollUntil("the ssh session and the stray command to run", async () => {
          const cmds = commandsIn(node.ns);
          return cmds.includes("sleep 61") && cmds.includes("sleep 62") ? true : undefined;
        }, { timeoutMs: 20_000 });
        await L().setNodeDown(node.name);
        const link = JSON.parse(await L().exec(node.ns, ["ip", "-j", "link", "show", "dev", "eth0"])) as { flags: string[] }[];
        expect(link[0]!.flags).not.toContain("UP");
        expect((await L().exec(node.ns, ["ss", "-Hltn"])).includes(":22")).toBe(false);
        // setNodeDown resolves only once the namespace is empty (zombies are not listed).
        expect((await sh(["ip", "netns", "pids", node.ns])).trim()).toBe("");
        await pollUntil("the session to end", async () => (session.exitCode !== null || session.signalCode !== null ? true : undefined), { timeoutMs: 15_000 });
        await ended;
        await expect(sh(sshArgv(L(), node.address, ["true"], 3), 15_000)).rejects.toThrow();
      } finally {
        if (session.exitCode === null && session.signalCode === null) session.kill("SIGKILL");
        if (stray.exitCode === null && stray.signalCode === null) stray.kill("SIGKILL");
        // Back up even when an assertion failed, so later tests see the whole lab.
        await L().setNodeUp(node.name);
      }
      expect((await sh(sshArgv(L(), node.address, ["hostname"]))).trim()).toBe(node.name);
      expect(await L().nodeAddresses(node.name)).toEqual(expect.arrayContaining(L().vips));
    }, 90_000);

    it("refuses a second lab on a subnet the host already routes, and leaves nothing behind", async () => {
      const prefix = uniquePrefix("r");
      await expect(startLab({ prefix, subnet: SUBNET })).rejects.toThrow(LabRefused);
      await expect(startLab({ prefix, subnet: SUBNET })).rejects.toThrow(/already routes 203\.0\.113\.0\/24/);
      expect((await listNamespaces()).filter((ns) => ns.startsWith(`${prefix}-`))).toEqual([]);
      expect(existsSync(join(REGISTRY_DIR, `${prefix}.json`))).toBe(false);
    });

    it("down() leaves no namespace, link, process or file behind", async () => {
      const procs = stateProcesses(L());
      // sshd x (1+N) + snmpd, all alive (the node that went down has its sshd back)
      expect(procs.filter(isAlive)).toHaveLength(1 + L().nodes.length + 1);
      expect(procs.map((p) => p.role).sort()).toEqual(["snmpd lab-router", "sshd lab-router", ...L().nodes.map((n) => `sshd ${n.name}`)].sort());
      await L().down();
      await expectGone(L(), procs);
    });
  });

  describe("abandoned labs", () => {
    let lab: Lab | undefined;
    afterAll(async () => {
      await lab?.down();
    }, 60_000);

    it("reapAbandonedLabs removes a lab whose owner process is gone, and none whose owner lives", async () => {
      await reapAbandonedLabs();
      lab = await startLab({ prefix: uniquePrefix("a"), subnet: SUBNET, subnetWaitMs: 90_000, ownedByProcess: true, resolve: "none" });
      const procs = stateProcesses(lab);
      expect(await reapAbandonedLabs()).not.toContain(lab.prefix); // we are alive
      expect((await listNamespaces()).filter((ns) => ns.startsWith(`${lab!.prefix}-`))).toHaveLength(3 + lab.nodes.length);

      // As if the test run that built it had died: an owner with our pid but another start time.
      const file = join(lab.dir, "state.json");
      const state = JSON.parse(readFileSync(file, "utf8")) as { owner: TrackedProcess };
      expect(state.owner).toEqual({ role: "lab owner", pid: process.pid, startTime: procStartTime(process.pid) });
      writeFileSync(file, JSON.stringify({ ...state, owner: { ...state.owner, startTime: "0" } }));
      expect(await reapAbandonedLabs()).toContain(lab.prefix);
      await expectGone(lab, procs);
    }, 90_000);
  });

  describe("keepalived mode", () => {
    let lab: Lab | undefined;
    const L = (): Lab => lab!;

    beforeAll(async () => {
      await reapAbandonedLabs();
      lab = await startLab({ prefix: uniquePrefix("k"), subnet: SUBNET, vipMode: "keepalived", subnetWaitMs: 90_000, ownedByProcess: true });
    }, 120_000);
    afterAll(async () => {
      await lab?.down();
    }, 60_000);

    it("spreads the masters: each VIP on exactly one node, one VIP per node, the router follows them", async () => {
      const holders = await L().vipHolders();
      const owners = L().vips.map((v) => holders[v]);
      for (const o of owners) expect(o).toHaveLength(1);
      expect(new Set(owners.map((o) => o![0])).size).toBe(L().nodes.length);
      const neigh = await L().routerNeigh();
      for (const vip of L().vips) expect(neigh[vip]).toBe(L().nodes.find((n) => n.name === holders[vip]![0])!.mac);
    });

    it("killing a master's keepalived moves its VIP to another node and the router follows", async () => {
      const vip = L().vips[0]!;
      const before = (await L().vipHolders())[vip]![0]!;
      await L().killKeepalived(before);
      const after = await pollUntil("the VIP to move", async () => {
        const h = (await L().vipHolders())[vip]!;
        return h.length === 1 && h[0] !== before ? h[0] : undefined;
      }, { timeoutMs: 15_000, intervalMs: 200 });
      const mac = L().nodes.find((n) => n.name === after)!.mac;
      const seen = await pollUntil("the router to follow", async () => ((await L().routerNeigh())[vip] === mac ? mac : undefined), { timeoutMs: 10_000 }).catch(async () => (await L().routerNeigh())[vip]);
      expect(seen).toBe(mac);
      expect(after).not.toBe(before);
    });

    it("down() leaves no keepalived, sshd or snmpd and no namespace behind", async () => {
      const procs = stateProcesses(L());
      // sshd x (1+N) + snmpd + keepalived (main and VRRP child) on every node but the killed one
      expect(procs.filter(isAlive)).toHaveLength(1 + L().nodes.length + 1 + 2 * (L().nodes.length - 1));
      await L().down();
      await expectGone(L(), procs);
    });
  });
});
