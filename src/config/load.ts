// Loads and resolves the config file: schema check, cross-field checks, secrets from
// *_file keys (relative paths are relative to the config file), durations in ms.
import { dirname, resolve } from "node:path";
import { isIP } from "node:net";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { parseHostPort } from "./address.js";
import { parseDuration } from "./duration.js";
import { CONFIG_FILE_LIMIT, decodeUtf8, readBoundedFile, readTextFile } from "./read-file.js";
import { configSchema, remediationSchema, type RawConfig, type RawSsh } from "./schema.js";
import type { Config, DnsConfig, NodeConfig, RemediationConfig, RouterConfig, SnmpV3User, SshSettings } from "./types.js";
import { canonicalDnsName, isIpv4, normalizeIp, normalizeMac } from "../model/net.js";
import { commandProblem, ipv6Problem, vrfProblem } from "../sources/router-cli/index.js";

export const TOKEN_ENV = "VIP_ARP_REMEDIATE_TOKEN";

/** Every problem found, each "key.path: reason". The CLI prints them and exits 2. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface LoadOptions {
  /** Name of the config for messages and the base of relative *_file paths. */
  source: string;
  env?: NodeJS.ProcessEnv;
  /** Reads a key, token or community file; throws an Error whose message says what is wrong. */
  readFile?: (path: string) => string;
}

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = decodeUtf8(readBoundedFile(path, CONFIG_FILE_LIMIT), "the config file");
  } catch (err) {
    throw new ConfigError(path, [`cannot read the config file: ${(err as Error).message}`]);
  }
  return parseConfig(text, { source: path, env });
}

export function parseConfig(text: string, opts: LoadOptions): Config {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ConfigError(opts.source, [`not valid YAML: ${(err as Error).message.split("\n")[0]}`]);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError(opts.source, ["the file must be a YAML mapping with vips, nodes and routers"]);
  }
  const parsed = configSchema.safeParse(doc, { reportInput: true });
  if (!parsed.success) throw new ConfigError(opts.source, formatIssues(parsed.error.issues));
  return new Resolver(parsed.data, opts).resolve();
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(top level)";
}

function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    if (i.code === "unrecognized_keys") {
      return i.keys
        .map((k) => `${formatPath([...i.path, k])}: unknown key (check the spelling; see README "Configuration")`)
        .join("\n  - ");
    }
    const msg = i.code === "invalid_type" && i.input === undefined ? "is required" : i.message;
    return `${formatPath(i.path)}: ${msg}`;
  });
}

const ms = (d: string): number => parseDuration(d)!;

class Resolver {
  private readonly problems: string[] = [];
  private readonly base: string;
  private readonly read: (path: string) => string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly raw: RawConfig,
    private readonly opts: LoadOptions,
  ) {
    this.base = dirname(resolve(opts.source));
    this.read = opts.readFile ?? ((p) => readTextFile(p));
    this.env = opts.env ?? process.env;
  }

  resolve(): Config {
    const raw = this.raw;
    this.unique(raw.vips, "vips", "VIP");
    this.unique(raw.nodes.map((n) => n.name), "nodes", "node name");
    this.unique(raw.routers.map((r) => r.name), "routers", "router name");
    const ssh = raw.ssh ? this.ssh(raw.ssh, "ssh") : null;
    const nodes = raw.nodes.map((n, i) => this.node(n, i, ssh));
    this.uniqueMacs(nodes);
    const routers = raw.routers.map((r, i) => this.router(r, i, ssh));
    const remediation = this.remediation(raw);
    const dns = raw.dns ? this.dns(raw.dns) : null;
    if (this.problems.length) throw new ConfigError(this.opts.source, this.problems);
    return {
      vips: raw.vips,
      nodes,
      routers,
      ssh,
      remediation,
      ...(dns ? { dns } : {}),
      scrapeTimeoutMs: ms(raw.scrape_timeout),
      source: this.opts.source,
    };
  }

  private problem(path: string, reason: string): void {
    this.problems.push(`${path}: ${reason}`);
  }

  private unique(values: string[], path: string, what: string): void {
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v)) this.problem(`${path}[${i}]`, `duplicate ${what} "${v}"`);
      seen.add(v);
    });
  }

  /** Two nodes with one static MAC would make the router's entries count for the wrong node. */
  private uniqueMacs(nodes: NodeConfig[]): void {
    const owner = new Map<string, string>();
    nodes.forEach((n, i) => {
      if (!n.mac) return;
      const first = owner.get(n.mac);
      if (first !== undefined) {
        this.problem(`nodes[${i}].mac`, `${n.mac} is also the mac of node "${first}": nodes "${first}" and "${n.name}" cannot share a MAC (the router's entries would count for the wrong node)`);
      } else {
        owner.set(n.mac, n.name);
      }
    });
  }

  /** Reads a secret or key file; "" (and a recorded problem) when it cannot. */
  private file(path: string, key: string, trim: boolean): string {
    const full = resolve(this.base, path);
    try {
      const text = this.read(full);
      const value = trim ? text.trim() : text;
      if (!value) this.problem(key, `file ${full} is empty`);
      return value;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      this.problem(key, e.name === "FileReadError" ? e.message : `cannot read ${full}: ${e.code ?? e.message}`);
      return "";
    }
  }

  private ssh(s: RawSsh, path: string): SshSettings {
    return {
      user: s.user,
      privateKey: this.file(s.private_key_file, `${path}.private_key_file`, false),
      passphrase: s.passphrase_file ? this.file(s.passphrase_file, `${path}.passphrase_file`, true) : undefined,
      knownHosts: this.file(s.known_hosts_file, `${path}.known_hosts_file`, false),
      knownHostsFile: resolve(this.base, s.known_hosts_file),
      timeoutMs: ms(s.timeout),
      keepaliveIntervalMs: ms(s.keepalive_interval),
    };
  }

  private node(n: RawConfig["nodes"][number], i: number, ssh: SshSettings | null): NodeConfig {
    const path = `nodes[${i}]`;
    const hp = parseHostPort(n.address, 22);
    if (typeof hp === "string") this.problem(`${path}.address`, hp);
    const mac = n.mac ? normalizeMac(n.mac)! : undefined;
    const viaSsh = n.ssh ?? !(mac && !ssh);
    if (viaSsh && !ssh) {
      this.problem(path, `node "${n.name}" is read over SSH: add an ssh section (user, private_key_file, known_hosts_file) or give it a static mac`);
    }
    n.holds?.forEach((v, j) => {
      if (!this.raw.vips.includes(v)) this.problem(`${path}.holds[${j}]`, `${v} is not one of vips`);
    });
    if (n.holds && viaSsh) this.problem(`${path}.holds`, "only for nodes not read over SSH (ssh: false); SSH reads what the node holds");
    return {
      name: n.name,
      host: typeof hp === "string" ? n.address : hp.host,
      port: typeof hp === "string" ? 22 : hp.port,
      interface: n.interface,
      ...(mac ? { mac } : {}),
      ...(n.holds ? { holds: n.holds } : {}),
      ssh: viaSsh,
    };
  }

  private router(r: RawConfig["routers"][number], i: number, globalSsh: SshSettings | null): RouterConfig {
    const path = `routers[${i}]`;
    const hp = parseHostPort(r.address, r.type === "snmp" ? 161 : 22);
    if (typeof hp === "string") this.problem(`${path}.address`, hp);
    const host = typeof hp === "string" ? r.address : hp.host;
    const port = typeof hp === "string" ? 0 : hp.port;
    if (r.type === "ssh") {
      const commandIssue = r.command === undefined ? null : commandProblem(r.command, r.platform);
      if (commandIssue) this.problem(`${path}.command`, `${commandIssue}; fix it, or leave it out to use the platform's default command`);
      const vrfIssue = r.vrf === undefined ? null : vrfProblem(r.platform);
      if (vrfIssue) this.problem(`${path}.vrf`, vrfIssue);
      const ipv6Issue = this.raw.vips.some((v) => !isIpv4(v)) ? ipv6Problem(r.platform) : null;
      if (ipv6Issue) this.problem(`${path}.platform`, `vips lists IPv6 addresses, but ${ipv6Issue}`);
      if (r.interface !== undefined && r.platform !== "linux") {
        this.problem(`${path}.interface`, `only for platform linux (the interface the kernel is asked about); leave it out for ${r.platform}`);
      }
      const merged = { ...this.raw.ssh, ...r.ssh };
      let settings = globalSsh;
      if (r.ssh && Object.keys(r.ssh).length) {
        const missing = (["user", "private_key_file", "known_hosts_file"] as const).filter((k) => !merged[k]);
        if (missing.length) {
          this.problem(`${path}.ssh`, `missing ${missing.join(", ")} (here or in the top-level ssh section)`);
        } else {
          settings = this.ssh({ timeout: "5s", keepalive_interval: "15s", ...merged } as RawSsh, `${path}.ssh`);
        }
      }
      if (!settings) this.problem(path, "an ssh router needs SSH settings: add a top-level ssh section or routers[].ssh");
      const timeoutMs = r.timeout ? ms(r.timeout) : (settings?.timeoutMs ?? 5000);
      return {
        type: "ssh",
        name: r.name,
        host,
        port,
        platform: r.platform,
        ...(r.command ? { command: r.command } : {}),
        ...(r.vrf ? { vrf: r.vrf } : {}),
        ...(r.interface ? { interface: r.interface } : {}),
        ssh: settings ?? ({} as SshSettings),
        timeoutMs,
      };
    }
    const version = r.version === 3 || r.version === "3" ? 3 : 2;
    let community = "";
    if (r.community_file) community = this.file(r.community_file, `${path}.community_file`, true);
    else if (r.community) community = r.community;
    if (r.community && r.community_file) this.problem(path, "set community or community_file, not both");
    // An unreadable community_file is its own problem, already recorded.
    if (version === 2 && !community && !r.community_file) this.problem(path, "SNMP v2c needs community or community_file");
    let v3: SnmpV3User | undefined;
    if (version === 3) {
      if (!r.v3) this.problem(path, "SNMP v3 needs a v3 section (user, auth_key, priv_key)");
      else v3 = this.v3(r.v3, `${path}.v3`);
    }
    return {
      type: "snmp",
      name: r.name,
      host,
      port,
      version,
      community,
      ...(v3 ? { v3 } : {}),
      table: r.table,
      timeoutMs: r.timeout ? ms(r.timeout) : 3000,
      retries: r.retries,
    };
  }

  private v3(v: NonNullable<Extract<RawConfig["routers"][number], { type: "snmp" }>["v3"]>, path: string): SnmpV3User {
    const key = (inline: string | undefined, file: string | undefined, what: string): string | undefined => {
      if (inline && file) this.problem(path, `set ${what} or ${what}_file, not both`);
      return file ? this.file(file, `${path}.${what}_file`, true) : inline;
    };
    const authKey = key(v.auth_key, v.auth_key_file, "auth_key");
    const privKey = key(v.priv_key, v.priv_key_file, "priv_key");
    if (v.level !== "noAuthNoPriv" && !authKey) this.problem(path, `level ${v.level} needs auth_key or auth_key_file`);
    if (v.level === "authPriv" && !privKey) this.problem(path, "level authPriv needs priv_key or priv_key_file");
    for (const [k, val] of [["auth_key", authKey], ["priv_key", privKey]] as const) {
      if (val !== undefined && val.length < 8) this.problem(`${path}.${k}`, "must be at least 8 characters (RFC 3414)");
    }
    return {
      user: v.user,
      ...(v.context !== undefined ? { context: v.context } : {}),
      level: v.level,
      authProtocol: v.auth_protocol,
      ...(authKey ? { authKey } : {}),
      privProtocol: v.priv_protocol,
      ...(privKey ? { privKey } : {}),
    };
  }

  private dns(d: NonNullable<RawConfig["dns"]>): DnsConfig {
    const names = d.names.map(canonicalDnsName);
    this.unique(names, "dns.names", "name");
    let server: DnsConfig["server"] = null;
    if (d.server !== undefined) {
      const hp = parseHostPort(d.server, 53);
      if (typeof hp === "string") this.problem("dns.server", hp);
      // c-ares takes addresses only: looking up the name server's own name would need a resolver.
      else if (!isIP(hp.host)) this.problem("dns.server", `"${hp.host}" is not an IP address: give the name server's address, optionally with :port ([v6]:port)`);
      else server = hp;
    }
    return { names, server, timeoutMs: ms(d.timeout) };
  }

  private remediation(raw: RawConfig): Config["remediation"] {
    const r = raw.remediation;
    let token: string | null = null;
    let tokenSource: Config["remediation"]["tokenSource"] = null;
    if (r.token_file) {
      token = this.file(r.token_file, "remediation.token_file", true) || null;
      tokenSource = "token_file";
    } else if (this.env[TOKEN_ENV]?.trim()) {
      token = this.env[TOKEN_ENV]!.trim();
      tokenSource = "env";
    }
    if (token !== null && token.length < 16) {
      this.problem(r.token_file ? "remediation.token_file" : TOKEN_ENV, "the token must be at least 16 characters");
    }
    const refresh = ms(r.refresh_interval);
    if (refresh > 0 && refresh < 1000) this.problem("remediation.refresh_interval", `must be 0s (off) or from 1s to 24h (got ${r.refresh_interval})`);
    for (const [vip, node] of Object.entries(r.preferred)) {
      if (!raw.vips.includes(normalizeIp(vip) ?? vip)) this.problem(`remediation.preferred.${vip}`, `${vip} is not one of vips`);
      if (!raw.nodes.some((n) => n.name === node)) this.problem(`remediation.preferred.${vip}`, `no node named "${node}"`);
    }
    return {
      ...remediationSettings(r),
      token,
      tokenSource,
      auditLogFile: r.audit_log_file ? resolve(this.base, r.audit_log_file) : null,
    };
  }
}

/** The remediation settings of a parsed section, without token and audit file. */
function remediationSettings(r: RawConfig["remediation"]): RemediationConfig {
  return {
    token: null,
    tokenSource: null,
    garpMode: r.garp_mode,
    garpCount: r.garp_count,
    cooldownMs: ms(r.cooldown),
    verifyTimeoutMs: ms(r.verify_timeout),
    verifyIntervalMs: ms(r.verify_interval),
    auditLogFile: null,
    // Keyed by VIP: in the VIPs' form (RFC 5952 for IPv6), so the planner finds them.
    preferred: Object.fromEntries(Object.entries(r.preferred).map(([vip, node]) => [normalizeIp(vip) ?? vip, node])),
    maxBodyBytes: r.max_body_bytes,
    mode: r.mode,
    auto: { intervalMs: ms(r.auto.interval), after: r.auto.after, maxRunsPerHour: r.auto.max_runs_per_hour },
    refreshIntervalMs: ms(r.refresh_interval),
    maxGarpRate: r.max_garp_rate,
  };
}

/** The remediation settings of a config that leaves the section out (disabled: no token). */
export function defaultRemediation(): RemediationConfig {
  return remediationSettings(remediationSchema.parse({}));
}
