// A real network lab in network namespaces: one Linux bridge, a router (kernel ARP table and
// IPv6 neighbour cache, Debian snmpd, OpenSSH), N infra nodes (OpenSSH, arping, ndptool, VIPs
// static or by keepalived), a rogue host that is no configured node, and a veth leg from the
// host so the exporter, running normally on the host, reaches them all over IPv4. With IPv6
// VIPs the segment also runs IPv6 in the lab's /64; the host leg never does. Needs root. See
// docs/lab.md.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LabFamily, type LabPlan, type LabPlanNode, type LabSubnet, LAB_FAMILIES, isLabSubnet, planLab } from "./addressing.js";
import { inNs, run, runIgnoring } from "./exec.js";
import { exporterConfig, type ExporterConfigOverrides } from "./exporter-config.js";
import { type KeepalivedNode, type KeepalivedProcs, masterIndex, startKeepalived } from "./keepalived.js";
import {
  addAddress, addBridge, addNamespace, addressesFromIpAddr, attach, hostRouteDev, linkExists,
  listNamespaces, neighForVips, readSysctl, routeIn, setLink, subnetConflicts, sysctl,
} from "./netns.js";
import { isAlive, signal, track, type TrackedProcess } from "./procs.js";
import { sweepNetns } from "./ns-procs.js";
import { startSnmpd } from "./snmpd.js";
import { generateKey, prepareSshd, startSshd, type SshdSite } from "./sshd.js";
import { type LabState, isRegistered, loadState, newState, register, saveState } from "./state.js";
import { withSubnetLock } from "./subnet-lock.js";
import { stopTree, teardown } from "./teardown.js";
import { BASE_TOOLS, IPV6_TOOLS, KEEPALIVED_TOOLS, TOOL_PACKAGES, missingTools } from "./tools.js";
import { createHomes, ETC_NETNS, planUsers, userKeysPath, writeNetnsPasswd, type LabUser, type LabUserSpec } from "./users.js";
import { BULK_NEIGH_NET, bulkNeighbourBatch, countBulkNeighbours, writeBatchFile } from "./neighbours.js";
import { pollUntil } from "./wait.js";
import { isIpv4, isIpv6, normalizeIp } from "../src/model/net.js";

export type VipMode = "static" | "keepalived";
export type GarpForm = "request" | "reply";

export interface LabOptions {
  subnet?: LabSubnet;
  /** Infra nodes (default 3). */
  nodes?: number;
  vipMode?: VipMode;
  /** VIPs .101, .102, ... (default 3) of each family the lab has. */
  vips?: number;
  /** IPv4 VIPs (default), IPv6 VIPs in the lab's /64, or both (dual stack). */
  family?: LabFamily;
  /** The router's net.ipv4.conf.*.arp_accept (default 0, the Linux default). */
  arpAccept?: 0 | 1 | 2;
  /** Namespace name prefix, unique per lab (default "vae-" + 6 hex digits). */
  prefix?: string;
  /** Lab directory (default: a new one under the OS temp dir). */
  dir?: string;
  /** keepalived mode: spread masters round-robin (default) or make lab-node-1 master of all. */
  spreadMasters?: boolean;
  /** VIPs the router resolves at start (it then keeps the first ARP reply): default "all". */
  resolve?: "all" | "none" | readonly string[];
  /** How long to wait for another lab to free the subnet (default 0: refuse at once). */
  subnetWaitMs?: number;
  /**
   * The lab belongs to this process (tests): if the process dies without down(), the next
   * reapAbandonedLabs() removes it. Default false: a `lab up` lab outlives its command.
   */
  ownedByProcess?: boolean;
  /** The router's snmpd view: "lab" (default, everything) or Debian's stock "systemonly" view. */
  snmpView?: "lab" | "debian-stock";
  /** Extra login users on the router and every node, besides root (see lab/users.ts). */
  users?: readonly LabUserSpec[];
}

export interface LabHost {
  name: string;
  ns: string;
  address: string;
  /** Its IPv6 address in the lab's /64, when the lab has IPv6. */
  address6?: string;
  mac: string;
}

export interface Lab {
  dir: string;
  prefix: string;
  subnet: LabSubnet;
  mode: VipMode;
  /** Ready exporter config (YAML, DESIGN.md contract). */
  configFile: string;
  privateKeyFile: string;
  knownHostsFile: string;
  tokenFile: string;
  token: string;
  community: string;
  /** The host's own address on the lab leg, and the leg's interface name. */
  hostAddress: string;
  hostLeg: string;
  router: LabHost;
  /** A namespace on the segment that is no configured node. */
  rogue: LabHost;
  nodes: LabHost[];
  /** Every VIP: the IPv4 ones, then the IPv6 ones (RFC 5952 form). */
  vips: string[];
  vips4: string[];
  vips6: string[];
  family: LabFamily;
  /** The lab's IPv6 /64; null without IPv6. */
  prefix6: string | null;
  /** The extra login users (LabOptions.users); they log in with the lab's key. */
  users: LabUser[];
  /** Writes another exporter config for this lab (other user, routers, remediation) to path. */
  writeExporterConfig(path: string, overrides: ExporterConfigOverrides): void;
  /** Runs argv (no shell) inside one of the lab's namespaces; resolves with stdout. */
  exec(ns: string, argv: readonly string[], opts?: { timeoutMs?: number }): Promise<string>;
  /** VIP -> MAC in the router's kernel ARP table and IPv6 neighbour cache (`ip -j neigh`), null when absent/failed. */
  routerNeigh(): Promise<Record<string, string | null>>;
  /** IPv4 and global IPv6 addresses on a node's eth0. */
  nodeAddresses(name: string): Promise<string[]>;
  /** VIP -> names of the nodes that have it on eth0. */
  vipHolders(): Promise<Record<string, string[]>>;
  /** The router sends to these VIPs (default all) and waits until each has an ARP entry. */
  resolveVips(vips?: readonly string[]): Promise<void>;
  /**
   * Grows the router's kernel neighbour table to `total` permanent entries in 198.18.0.0/15
   * (besides the VIPs), with `ip -batch`; checks the count. Returns the count.
   */
  setRouterBulkNeighbours(total: number): Promise<number>;
  /** Permanent entries in 198.18.0.0/15 in the router's table now. */
  routerBulkNeighbours(): Promise<number>;
  /** Deletes the router's ARP entry for a VIP. */
  forgetRouterEntry(vip: string): Promise<void>;
  setArpAccept(value: 0 | 1 | 2): Promise<void>;
  /** The router's current net.ipv4.conf.eth0.arp_accept. */
  routerArpAccept(): Promise<number>;
  /** The router's net.ipv6.conf.eth0.accept_untracked_na (on: 1, with forwarding, which the kernel requires for it). */
  setAcceptUntrackedNa(on: boolean): Promise<void>;
  /** Removes an IPv6 VIP from a node's eth0 (the node stops holding it). */
  dropVip(name: string, vip: string): Promise<void>;
  /**
   * "Reboot", first half: sshd, its sessions and every other process in the node's namespace
   * (keepalived excepted) stopped, then eth0 down. Resolves once none of them is left.
   */
  setNodeDown(name: string): Promise<void>;
  /** Second half: eth0 up, sshd started again. */
  setNodeUp(name: string): Promise<void>;
  /** A gratuitous ARP for vip with the node's own MAC (arping -U, or -A for "reply"). */
  garp(name: string, vip: string, form?: GarpForm): Promise<void>;
  /** The rogue namespace sends a gratuitous ARP for vip with its own MAC. */
  rogueGarp(vip: string, form?: GarpForm): Promise<void>;
  /** An unsolicited neighbour advertisement (override flag) for an IPv6 vip with the node's MAC: ndptool send -t na -U. */
  na(name: string, vip: string): Promise<void>;
  /** The rogue namespace sends one for an IPv6 vip with its own MAC. */
  rogueNa(vip: string): Promise<void>;
  /** Stops a node's keepalived (SIGTERM: releases its VIPs; SIGKILL: a crash, VIPs stay). */
  killKeepalived(name: string, sig?: "SIGTERM" | "SIGKILL"): Promise<void>;
  /** Starts a node's keepalived again after killKeepalived. */
  restartKeepalived(name: string): Promise<void>;
  /**
   * Throws unless the host reaches the lab subnet through the lab's own leg, and, with IPv6, the
   * leg carries no IPv6 (the host never sends it there) while the router reaches every IPv6
   * address of the lab through its eth0.
   */
  checkHostRoute(): Promise<void>;
  /** Removes namespaces, veths, processes and files. Idempotent. */
  down(): Promise<void>;
}

/** Refusals a caller can tell apart (wrong user, missing tools, subnet taken). */
export class LabRefused extends Error {
  override name = "LabRefused";
}

function checkPrerequisites(mode: VipMode, family: LabFamily): void {
  if (process.getuid?.() !== 0) {
    throw new LabRefused("the lab needs root (it creates network namespaces): run it with sudo");
  }
  if (mode === "keepalived" && family !== "ipv4") {
    throw new LabRefused("keepalived mode has IPv4 VIPs only: use static mode (--mode static) for IPv6 or dual-stack VIPs");
  }
  const missing = missingTools([...BASE_TOOLS, ...(mode === "keepalived" ? KEEPALIVED_TOOLS : []), ...(family !== "ipv4" ? IPV6_TOOLS : [])]);
  if (missing.length) {
    throw new LabRefused(`the lab needs ${missing.join(", ")}: install them (Debian: apt-get install ${TOOL_PACKAGES})`);
  }
}

function prepareDir(prefix: string, dir: string | undefined): { dir: string; created: boolean } {
  if (!dir) return { dir: mkdtempSync(join(tmpdir(), `vip-arp-lab-${prefix}-`)), created: true };
  if (existsSync(join(dir, "state.json"))) {
    throw new LabRefused(`${dir} holds the state of a lab that was not torn down: run \`npm run lab -- down --dir ${dir}\` first`);
  }
  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { dir, created };
}

export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const mode = opts.vipMode ?? "static";
  if (mode !== "static" && mode !== "keepalived") throw new LabRefused(`vipMode must be static or keepalived, not ${String(mode)}`);
  const subnet = opts.subnet ?? "198.51.100.0/24";
  if (!isLabSubnet(subnet)) throw new LabRefused(`subnet must be 198.51.100.0/24 or 203.0.113.0/24, not ${String(subnet)}`);
  const arpAccept = opts.arpAccept ?? 0;
  if (![0, 1, 2].includes(arpAccept)) throw new LabRefused("arpAccept must be 0, 1 or 2");
  const prefix = opts.prefix ?? `vae-${randomBytes(3).toString("hex")}`;
  const family = opts.family ?? "ipv4";
  if (!(LAB_FAMILIES as readonly string[]).includes(family)) throw new LabRefused(`family must be ${LAB_FAMILIES.join(", ")}, not ${String(family)}`);
  const plan = planLab(prefix, subnet, opts.nodes ?? 3, opts.vips ?? 3, family);
  checkPrerequisites(mode, family);

  const taken = (await listNamespaces()).filter((ns) => ns.startsWith(`${prefix}-`));
  if (taken.length || isRegistered(prefix) || (await linkExists(plan.hostLeg))) {
    throw new LabRefused(`a lab with prefix ${prefix} exists (${taken.join(", ") || plan.hostLeg}): pick another prefix or run \`npm run lab -- down\``);
  }
  // Before creating anything: a subnet the host reaches some other way is not ours to use.
  await claimableSubnet(subnet, opts.subnetWaitMs ?? 0);
  const { dir, created } = prepareDir(prefix, opts.dir);
  const state = newState(prefix, dir, created, subnet, mode);
  if (opts.ownedByProcess) state.owner = track("lab owner", process.pid) ?? undefined;
  saveState(state);
  register(state);
  const lab = new LabImpl(plan, state, mode, opts.spreadMasters ?? true, opts.snmpView ?? "lab", opts.users ?? []);
  try {
    await lab.build(arpAccept, opts.resolve ?? "all", opts.subnetWaitMs ?? 0);
  } catch (err) {
    try {
      await lab.down();
    } catch (cleanupErr) {
      throw new Error(`${(err as Error).message}\n(and cleaning up failed: ${(cleanupErr as Error).message})`, { cause: err });
    }
    throw err;
  }
  return lab;
}

/** Waits up to waitMs for the host to have no route into subnet; refuses otherwise. */
async function claimableSubnet(subnet: LabSubnet, waitMs: number): Promise<void> {
  let conflicts = await subnetConflicts(subnet);
  if (conflicts.length && waitMs > 0) {
    conflicts = await pollUntil(
      `${subnet} to be free on the host`,
      async () => {
        const c = await subnetConflicts(subnet);
        return c.length ? undefined : c;
      },
      { timeoutMs: waitMs, intervalMs: 250 },
    ).catch(() => conflicts);
  }
  if (conflicts.length) {
    throw new LabRefused(
      `refusing to start: the host already routes ${subnet} (${conflicts.join("; ")}). ` +
        "If it is a lab left over, run `npm run lab -- down --all`; else pick the other subnet (--subnet).",
    );
  }
}

/** Tears down the lab whose state file is in dir (e.g. after a crashed run). False: none there. */
export async function downLabAt(dir: string): Promise<boolean> {
  const state = loadState(dir);
  if (!state) return false;
  await teardown(state);
  return true;
}

const toHost = (n: LabPlanNode): LabHost => ({ name: n.name, ns: n.ns, address: n.address, ...(n.address6 ? { address6: n.address6 } : {}), mac: n.mac });

class LabImpl implements Lab {
  readonly dir: string;
  readonly prefix: string;
  readonly subnet: LabSubnet;
  readonly configFile: string;
  readonly privateKeyFile: string;
  readonly knownHostsFile: string;
  readonly tokenFile: string;
  readonly token = randomBytes(24).toString("base64url");
  readonly community = `lab-${randomBytes(6).toString("hex")}`;
  readonly hostAddress: string;
  readonly hostLeg: string;
  readonly router: LabHost;
  readonly rogue: LabHost;
  readonly nodes: LabHost[];
  readonly vips: string[];
  readonly vips4: string[];
  readonly vips6: string[];
  readonly family: LabFamily;
  readonly prefix6: string | null;
  users: LabUser[] = [];
  private readonly logDir: string;
  private readonly sites = new Map<string, SshdSite>();
  private readonly sshd = new Map<string, TrackedProcess>();
  private readonly keepalived = new Map<string, KeepalivedProcs>();
  private downDone = false;

  constructor(
    private readonly plan: LabPlan,
    private readonly state: LabState,
    readonly mode: VipMode,
    private readonly spread: boolean,
    private readonly snmpView: "lab" | "debian-stock",
    private readonly userSpecs: readonly LabUserSpec[] = [],
  ) {
    this.dir = state.dir;
    this.prefix = plan.prefix;
    this.subnet = plan.subnet;
    this.configFile = join(this.dir, "config.yml");
    this.privateKeyFile = join(this.dir, "id_ed25519");
    this.knownHostsFile = join(this.dir, "known_hosts");
    this.tokenFile = join(this.dir, "token");
    this.logDir = join(this.dir, "logs");
    this.hostAddress = plan.hostAddress;
    this.hostLeg = plan.hostLeg;
    this.router = toHost(plan.router);
    this.rogue = toHost(plan.rogue);
    this.nodes = plan.nodes.map(toHost);
    this.vips = [...plan.vips];
    this.vips4 = [...plan.vips4];
    this.vips6 = [...plan.vips6];
    this.family = plan.family;
    this.prefix6 = plan.prefix6;
  }

  // ---- building --------------------------------------------------------------------------

  private note(files: string[]): void {
    this.state.files.push(...files.filter((f) => !this.state.files.includes(f)));
    saveState(this.state);
  }

  private track(p: TrackedProcess): void {
    this.state.processes.push(p);
    saveState(this.state);
  }

  private untrack(ps: readonly TrackedProcess[]): void {
    this.state.processes = this.state.processes.filter((p) => !ps.some((q) => q.pid === p.pid && q.startTime === p.startTime));
    saveState(this.state);
  }

  async build(arpAccept: 0 | 1 | 2, resolve: "all" | "none" | readonly string[], subnetWaitMs = 0): Promise<void> {
    const p = this.plan;
    this.state.info = {
      routerNs: p.router.ns,
      vips: [...p.vips],
      configFile: this.configFile,
      hosts: [
        { role: "router", ...toHost(p.router) },
        ...p.nodes.map((n) => ({ role: "node" as const, ...toHost(n) })),
        { role: "rogue", ...toHost(p.rogue) },
      ],
    };
    this.note(["logs"]);
    mkdirSync(this.logDir, { recursive: true, mode: 0o700 });

    // Namespaces: recorded first, so a failure half-way is still cleaned up.
    const all = [p.bridgeNs, p.router.ns, p.rogue.ns, ...p.nodes.map((n) => n.ns)];
    for (const ns of all) {
      this.state.namespaces.push(ns);
      saveState(this.state);
      await addNamespace(ns);
    }
    // The bridge is plumbing only: no IPv6 chatter (RS, MLD) from it into the segment.
    for (const key of ["all", "default"]) await sysctl(p.bridgeNs, `net.ipv6.conf.${key}.disable_ipv6`, 1);
    await addBridge(p.bridgeNs);
    // The router's ARP policy applies to eth0 as created, so set it before attaching.
    for (const key of ["all", "default"]) await sysctl(p.router.ns, `net.ipv4.conf.${key}.arp_accept`, arpAccept);
    // The rogue announces addresses it does not own (arping binds the VIP as source).
    await sysctl(p.rogue.ns, "net.ipv4.ip_nonlocal_bind", 1);
    const sites = [p.router, p.rogue, ...p.nodes];
    if (p.prefix6) {
      // IPv6 on, before eth0 exists (it takes the defaults): no duplicate address detection (every
      // node holds every VIP on purpose, and nothing waits for DAD), no autoconfiguration.
      for (const site of sites) {
        for (const key of ["all", "default"]) {
          for (const [k, v] of [["disable_ipv6", 0], ["accept_dad", 0], ["dad_transmits", 0], ["accept_ra", 0], ["autoconf", 0]] as const) {
            await sysctl(site.ns, `net.ipv6.conf.${key}.${k}`, v);
          }
        }
      }
    }
    for (const site of sites) {
      await attach(p.bridgeNs, site.port, site.ns, site.mac);
      await addAddress(site.ns, `${site.address}/${p.prefixLength}`);
      if (site.address6) await addAddress(site.ns, `${site.address6}/64`, "eth0", { nodad: true });
    }
    await sysctl(p.router.ns, "net.ipv4.conf.eth0.arp_accept", arpAccept);
    if (this.mode === "static") {
      // Every node holds every VIP with Linux defaults (arp_ignore=0): all of them answer.
      for (const n of p.nodes) for (const vip of p.vips4) await addAddress(n.ns, `${vip}/32`);
      for (const n of p.nodes) for (const vip of p.vips6) await addAddress(n.ns, `${vip}/128`, "eth0", { nodad: true });
    }
    for (const site of [p.router, p.rogue, ...p.nodes]) await setLink(site.ns, "eth0", "up");

    await this.addHostLeg(subnetWaitMs);
    await this.startServers();
    if (this.mode === "keepalived") await this.startVrrp();
    const toResolve = resolve === "all" ? p.vips : resolve === "none" ? [] : [...resolve];
    if (toResolve.length) await this.resolveVips(toResolve);

    this.note(["config.yml"]);
    this.writeExporterConfig(this.configFile, {});
  }

  writeExporterConfig(path: string, overrides: ExporterConfigOverrides): void {
    const p = this.plan;
    const text = exporterConfig({
      vips: p.vips,
      family: p.family,
      nodes: p.nodes,
      router: p.router,
      community: this.community,
      privateKeyFile: this.privateKeyFile,
      knownHostsFile: this.knownHostsFile,
      tokenFile: this.tokenFile,
      overrides,
    });
    writeFileSync(path, text, { mode: 0o600 });
  }

  /**
   * Claims the subnet on the host. Another lab may have taken it while this one was being
   * built: then wait (up to waitMs) for it to be free again, checking under the lock each time.
   */
  private async addHostLeg(waitMs: number): Promise<void> {
    const p = this.plan;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const claimed = await withSubnetLock(p.subnet, async () => {
        if ((await subnetConflicts(p.subnet)).length > 0) return false;
        this.state.hostLeg = p.hostLeg;
        saveState(this.state);
        await run(["ip", "link", "add", "name", p.hostLeg, "type", "veth", "peer", "name", "h", "netns", p.bridgeNs]);
        await run(["ip", "-n", p.bridgeNs, "link", "set", "dev", "h", "master", "br0"]);
        await run(["ip", "-n", p.bridgeNs, "link", "set", "dev", "h", "up"]);
        // No IPv6 on the host leg: the host has no business talking v6 into the lab.
        await run(["sysctl", "-q", "-w", `net.ipv6.conf.${p.hostLeg}.disable_ipv6=1`]);
        await run(["ip", "addr", "add", `${p.hostAddress}/${p.prefixLength}`, "dev", p.hostLeg]);
        await run(["ip", "link", "set", "dev", p.hostLeg, "up"]);
        return true;
      });
      if (claimed) break;
      // Refuses, naming what holds the subnet, once the wait is over.
      if (Date.now() >= deadline) await claimableSubnet(p.subnet, 0);
      await new Promise((r) => setTimeout(r, 250));
    }
    await this.checkHostRoute();
  }

  async checkHostRoute(): Promise<void> {
    for (const addr of [this.router.address, ...this.vips4]) {
      const dev = await hostRouteDev(addr);
      if (dev !== this.hostLeg) {
        throw new LabRefused(`the host would reach ${addr} via ${dev ?? "nothing"}, not the lab leg ${this.hostLeg}: refusing to send anything`);
      }
    }
    if (!this.prefix6) return;
    // The host's own IPv6 routes (a default route to the uplink, say) must never see lab traffic:
    // IPv6 stays off on the leg, and only the namespaces speak it, on the bridge.
    if ((await run(["sysctl", "-n", `net.ipv6.conf.${this.hostLeg}.disable_ipv6`])).trim() !== "1") {
      throw new LabRefused(`IPv6 is on on the host leg ${this.hostLeg}: refusing to send anything (the host must not speak IPv6 into the lab)`);
    }
    for (const addr of [...this.nodes.map((n) => n.address6!), this.rogue.address6!, ...this.vips6]) await this.checkRoute6(this.router.ns, addr);
  }

  /** Throws unless namespace ns reaches an IPv6 address through its eth0 (a lab leg), not as its own. */
  private async checkRoute6(ns: string, address: string): Promise<void> {
    const r = await routeIn(ns, address);
    if (r?.dev !== "eth0" || r.type !== "unicast") {
      throw new LabRefused(`${ns} would reach ${address} via ${r ? `${r.type} ${r.dev}` : "nothing"}, not its lab leg eth0: refusing to send anything`);
    }
  }

  private async startServers(): Promise<void> {
    const p = this.plan;
    this.note(["id_ed25519", "id_ed25519.pub", "authorized_keys", "known_hosts", "token"]);
    const pub = await generateKey(this.privateKeyFile, `vip-arp-lab-${p.prefix}`);
    const authorized = join(this.dir, "authorized_keys");
    writeFileSync(authorized, pub + "\n", { mode: 0o600 });
    writeFileSync(this.tokenFile, this.token + "\n", { mode: 0o600 });
    const userKeys = this.userSpecs.length ? this.addUsers(pub) : undefined;

    const knownHosts: string[] = [];
    for (const site of [p.router, ...p.nodes]) {
      const siteDir = join(this.dir, site.name);
      this.note([site.name]);
      mkdirSync(siteDir, { recursive: true, mode: 0o700 });
      const utsFile = await this.ownHostname(site, siteDir);
      const s: SshdSite = { ns: site.ns, name: site.name, address: site.address, dir: siteDir, utsFile };
      this.sites.set(site.name, s);
      knownHosts.push(await prepareSshd(s, authorized, userKeys));
    }
    writeFileSync(this.knownHostsFile, knownHosts.join("\n") + "\n", { mode: 0o600 });
    for (const s of this.sites.values()) {
      const proc = await startSshd(s, this.logDir);
      this.sshd.set(s.name, proc);
      this.track(proc);
    }
    this.track(
      await startSnmpd(
        { ns: p.router.ns, address: p.router.address, subnet: p.subnet, community: this.community, dir: join(this.dir, p.router.name), view: this.snmpView },
        this.logDir,
      ),
    );
  }

  /**
   * The extra users: homes under DIR/home (DIR made traversable, its files stay 0600), and a
   * passwd with them in /etc/netns/NS/ of the router and each node, recorded before written.
   * Returns sshd's per-user AuthorizedKeysFile pattern.
   */
  private addUsers(publicKey: string): string {
    const p = this.plan;
    const homeDir = join(this.dir, "home");
    this.users = planUsers(this.userSpecs, readFileSync("/etc/passwd", "utf8"), homeDir);
    const namespaces = [p.router.ns, ...p.nodes.map((n) => n.ns)];
    this.state.etcNetns = [...(this.state.etcNetns ?? []), ...namespaces.map((ns) => join(ETC_NETNS, ns))];
    this.note(["home"]);
    writeNetnsPasswd(namespaces, this.users);
    chmodSync(this.dir, 0o711);
    createHomes(this.users, homeDir, publicKey);
    return userKeysPath(homeDir);
  }

  /** A persistent UTS namespace with the site's hostname, bind-mounted on a file in its dir. */
  private async ownHostname(site: LabPlanNode, siteDir: string): Promise<string> {
    const file = join(siteDir, "uts");
    writeFileSync(file, "");
    this.state.utsFiles.push(file);
    saveState(this.state);
    await run(["unshare", `--uts=${file}`, "hostname", site.name]);
    return file;
  }

  private keepalivedNodes(): KeepalivedNode[] {
    return this.plan.nodes.map((n) => ({ name: n.name, ns: n.ns, address: n.address, dir: join(this.dir, n.name) }));
  }

  private async startVrrpOn(index: number): Promise<void> {
    const procs = await startKeepalived(this.keepalivedNodes(), index, this.vips, this.spread, this.logDir);
    this.keepalived.set(this.plan.nodes[index]!.name, procs);
    this.track(procs.main);
    this.track(procs.vrrp);
  }

  private async startVrrp(): Promise<void> {
    for (let i = 0; i < this.plan.nodes.length; i++) await this.startVrrpOn(i);
    const n = this.plan.nodes.length;
    await pollUntil(
      "each VIP to be held by exactly its VRRP master",
      async () => {
        const holders = await this.vipHolders();
        const ok = this.vips.every((vip, i) => {
          const h = holders[vip] ?? [];
          return h.length === 1 && h[0] === this.plan.nodes[masterIndex(i, n, this.spread)]!.name;
        });
        return ok ? true : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 250 },
    );
  }

  // ---- lookups ---------------------------------------------------------------------------

  private node(name: string): LabPlanNode {
    const n = this.plan.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no lab node named ${JSON.stringify(name)} (have ${this.plan.nodes.map((x) => x.name).join(", ")})`);
    return n;
  }

  /** A VIP of this lab (the only addresses lab steps send to), in the lab's spelling. */
  private checkVip(vip: string, family?: 4 | 6): string {
    const v = isIpv4(vip) ? vip : isIpv6(vip) ? normalizeIp(vip)! : null;
    if (v === null) throw new Error(`not an IP address: ${JSON.stringify(vip)}`);
    if (family === 4 && !isIpv4(v)) throw new Error(`${v} is not an IPv4 address (arping is IPv4 only: use na() for IPv6 VIPs)`);
    if (family === 6 && isIpv4(v)) throw new Error(`${v} is not an IPv6 address (use garp() for IPv4 VIPs)`);
    if (isIpv6(v) && !this.vips6.includes(v)) throw new Error(`${v} is not an IPv6 VIP of lab ${this.prefix} (${this.vips6.join(", ") || "it has none"})`);
    return v;
  }

  async exec(ns: string, argv: readonly string[], opts: { timeoutMs?: number } = {}): Promise<string> {
    if (!this.state.namespaces.includes(ns)) throw new Error(`${ns} is not a namespace of lab ${this.prefix}`);
    if (argv.length === 0) throw new Error("exec: empty argv");
    const site = [...this.sites.values()].find((s) => s.ns === ns);
    return run(inNs(ns, argv, site?.utsFile), { timeoutMs: opts.timeoutMs ?? 15_000 });
  }

  async routerNeigh(): Promise<Record<string, string | null>> {
    return neighForVips(await run(["ip", "-n", this.router.ns, "-j", "neigh", "show", "dev", "eth0"]), this.vips);
  }

  async nodeAddresses(name: string): Promise<string[]> {
    return addressesFromIpAddr(await run(["ip", "-n", this.node(name).ns, "-j", "addr", "show", "dev", "eth0"]));
  }

  async vipHolders(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = Object.fromEntries(this.vips.map((v) => [v, []]));
    for (const n of this.plan.nodes) {
      for (const a of await this.nodeAddresses(n.name)) out[a]?.push(n.name);
    }
    return out;
  }

  // ---- the router ------------------------------------------------------------------------

  async resolveVips(vips: readonly string[] = this.vips): Promise<void> {
    vips = vips.map((v) => this.checkVip(v));
    for (const v of vips) if (isIpv6(v)) await this.checkRoute6(this.router.ns, v);
    // One UDP datagram per VIP makes the router's kernel resolve it (ARP request, first reply
    // wins). The script is fixed; the VIPs are its arguments, never part of it.
    const script = 'for v in "$@"; do (echo > "/dev/udp/$v/9") 2>/dev/null; done; exit 0';
    const send = (list: readonly string[]): Promise<string> => run(inNs(this.router.ns, ["bash", "-c", script, "resolve", ...list]));
    await send(vips);
    let rounds = 0;
    await pollUntil(
      `the router to resolve ${vips.join(", ")}`,
      async () => {
        const neigh = await this.routerNeigh();
        const missing = vips.filter((v) => !neigh[v]);
        if (missing.length === 0) return true;
        // A resolution that failed (kernel's 3 probes unanswered) is not retried by the
        // kernel: ask again every second.
        if (++rounds % 10 === 0) await send(missing);
        return undefined;
      },
      { timeoutMs: 20_000 },
    );
  }

  async routerBulkNeighbours(): Promise<number> {
    return countBulkNeighbours(await run(["ip", "-n", this.router.ns, "-j", "neigh", "show", "to", BULK_NEIGH_NET, "nud", "permanent"], { timeoutMs: 60_000 }));
  }

  async setRouterBulkNeighbours(total: number): Promise<number> {
    const have = await this.routerBulkNeighbours();
    if (total < have) {
      await run(["ip", "-n", this.router.ns, "neigh", "flush", "to", BULK_NEIGH_NET, "nud", "permanent"], { timeoutMs: 60_000 });
    }
    const from = total < have ? 0 : have;
    if (total > from) {
      const file = join(this.dir, "bulk-neigh.batch");
      this.note(["bulk-neigh.batch"]);
      writeBatchFile(file, bulkNeighbourBatch(from, total));
      await run(["ip", "-n", this.router.ns, "-batch", file], { timeoutMs: 120_000 });
    }
    const now = await this.routerBulkNeighbours();
    if (now !== total) throw new Error(`the router has ${now} entries in ${BULK_NEIGH_NET}, expected ${total} after ip -batch`);
    return now;
  }

  async forgetRouterEntry(vip: string): Promise<void> {
    const v = this.checkVip(vip);
    await runIgnoring(["ip", "-n", this.router.ns, "neigh", "del", v, "dev", "eth0"], /No such file|not found/i);
  }

  async setAcceptUntrackedNa(on: boolean): Promise<void> {
    if (!this.prefix6) throw new Error("the lab has no IPv6");
    // The kernel creates an entry from an untracked NA only on a forwarding interface (RFC 9131 is router-side).
    await sysctl(this.router.ns, "net.ipv6.conf.eth0.forwarding", on ? 1 : 0);
    await sysctl(this.router.ns, "net.ipv6.conf.eth0.accept_untracked_na", on ? 1 : 0);
  }

  async dropVip(name: string, vip: string): Promise<void> {
    const v = this.checkVip(vip, 6);
    await run(["ip", "-n", this.node(name).ns, "addr", "del", `${v}/128`, "dev", "eth0"]);
  }

  async setArpAccept(value: 0 | 1 | 2): Promise<void> {
    if (![0, 1, 2].includes(value)) throw new Error("arp_accept must be 0, 1 or 2");
    for (const key of ["all", "default", "eth0"]) await sysctl(this.router.ns, `net.ipv4.conf.${key}.arp_accept`, value);
  }

  async routerArpAccept(): Promise<number> {
    return Number(await readSysctl(this.router.ns, "net.ipv4.conf.eth0.arp_accept"));
  }

  // ---- nodes -----------------------------------------------------------------------------

  async setNodeDown(name: string): Promise<void> {
    const n = this.node(name);
    // sshd first, as a reboot's shutdown would: open sessions see their connection close.
    const proc = this.sshd.get(name);
    if (proc) {
      await stopTree([proc]);
      this.sshd.delete(name);
      this.untrack([proc]);
    }
    // stopTree's snapshot of sshd's children misses what they forked meanwhile (a connection
    // half-way through its handshake leaves an orphaned "sshd: [net]"): everything still in
    // the namespace goes too, keepalived excepted (it sees the link go down, as on a reboot).
    const ka = this.keepalived.get(name);
    await sweepNetns(n.ns, { keep: ka ? [ka.main, ka.vrrp] : [] });
    await setLink(n.ns, "eth0", "down");
  }

  async setNodeUp(name: string): Promise<void> {
    const n = this.node(name);
    await setLink(n.ns, "eth0", "up");
    if (!this.sshd.get(name) || !isAlive(this.sshd.get(name)!)) {
      const proc = await startSshd(this.sites.get(name)!, this.logDir);
      this.sshd.set(name, proc);
      this.track(proc);
    }
  }

  private async sendGarp(ns: string, vip: string, form: GarpForm): Promise<void> {
    const v = this.checkVip(vip, 4);
    await run(inNs(ns, ["arping", form === "reply" ? "-A" : "-U", "-c", "1", "-I", "eth0", v]));
  }

  private async sendNa(ns: string, vip: string): Promise<void> {
    const v = this.checkVip(vip, 6);
    // The NA goes to ff02::1 out of eth0: the sender must reach the segment (the router) there.
    await this.checkRoute6(ns, this.router.address6!);
    await run(inNs(ns, ["ndptool", "send", "-t", "na", "-U", "-i", "eth0", "-T", v]));
  }

  async na(name: string, vip: string): Promise<void> {
    await this.sendNa(this.node(name).ns, vip);
  }

  async rogueNa(vip: string): Promise<void> {
    await this.sendNa(this.rogue.ns, vip);
  }

  async garp(name: string, vip: string, form: GarpForm = "request"): Promise<void> {
    await this.sendGarp(this.node(name).ns, vip, form);
  }

  async rogueGarp(vip: string, form: GarpForm = "request"): Promise<void> {
    await this.sendGarp(this.rogue.ns, vip, form);
  }

  async killKeepalived(name: string, sig: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    this.node(name);
    const procs = this.keepalived.get(name);
    if (!procs) throw new Error(`keepalived is not running on ${name}${this.mode === "static" ? " (the lab is in static mode)" : ""}`);
    signal(procs.main, sig);
    if (sig === "SIGKILL") signal(procs.vrrp, sig); // a crash: no one releases the VIPs
    await pollUntil(
      `keepalived of ${name} to exit`,
      async () => (isAlive(procs.main) || isAlive(procs.vrrp) ? undefined : true),
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    this.keepalived.delete(name);
    this.untrack([procs.main, procs.vrrp]);
  }

  async restartKeepalived(name: string): Promise<void> {
    if (this.mode !== "keepalived") throw new Error("the lab is in static mode: there is no keepalived to restart");
    if (this.keepalived.has(name)) throw new Error(`keepalived is already running on ${name}`);
    await this.startVrrpOn(this.plan.nodes.indexOf(this.node(name)));
  }

  async down(): Promise<void> {
    if (this.downDone) return;
    await teardown(this.state);
    this.downDone = true;
  }
}
