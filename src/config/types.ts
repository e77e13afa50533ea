// The validated, resolved configuration every other module receives. Secrets are read
// from their *_file keys by the loader; durations are milliseconds.
import type { Mac } from "../model/types.js";
import type { RouterPlatform } from "../sources/router-cli/index.js";

export interface SshSettings {
  user: string;
  /** PEM/OpenSSH private key text. */
  privateKey: string;
  passphrase?: string;
  /** known_hosts text in OpenSSH format; host keys are verified against it. */
  knownHosts: string;
  knownHostsFile: string;
  timeoutMs: number;
  keepaliveIntervalMs: number;
}

export interface NodeConfig {
  name: string;
  host: string;
  /** SSH port (default 22). */
  port: number;
  interface: string;
  /** Static MAC from config; then SSH is optional for reading. */
  mac?: Mac;
  /** VIPs assumed held when the node is not read over SSH (default: every VIP). */
  holds?: string[];
  /** Read this node over SSH (false when it has a static MAC and no ssh section exists). */
  ssh: boolean;
}

export type SnmpTable = "auto" | "ipNetToPhysical" | "ipNetToMedia";

export interface SnmpV3User {
  user: string;
  /** SNMPv3 contextName: a VRF's or VLAN's ARP table on Cisco and Juniper; none: the default context. */
  context?: string;
  level: "noAuthNoPriv" | "authNoPriv" | "authPriv";
  authProtocol: "md5" | "sha" | "sha224" | "sha256" | "sha384" | "sha512";
  authKey?: string;
  privProtocol: "des" | "aes" | "aes256b" | "aes256r";
  privKey?: string;
}

export interface SnmpRouterConfig {
  type: "snmp";
  name: string;
  host: string;
  port: number;
  version: 2 | 3;
  community: string;
  v3?: SnmpV3User;
  table: SnmpTable;
  timeoutMs: number;
  retries: number;
}

/** The platform names come from the platform table, the only place that lists them. */
export type { RouterPlatform };

export interface SshRouterConfig {
  type: "ssh";
  name: string;
  host: string;
  port: number;
  platform: RouterPlatform;
  /** Override of the platform's command (validated: no shell metacharacters). */
  command?: string;
  /** Only this VRF's entries count (platforms whose output names VRFs, or selects one). */
  vrf?: string;
  /** linux: the interface to ask the kernel about (default: discovered with ip route get). */
  interface?: string;
  /** SSH settings for this router: its own user/key or the global ones. */
  ssh: SshSettings;
  timeoutMs: number;
}

export type RouterConfig = SnmpRouterConfig | SshRouterConfig;

export type GarpMode = "both" | "reply" | "request";

/** manual: act only when called; plan: every trigger plans and reports, sends nothing; auto: also act by itself. */
export type RemediationMode = "manual" | "plan" | "auto";

export interface AutoSettings {
  /** How often the reconciler collects on its own. */
  intervalMs: number;
  /** Consecutive collections a problem must persist before the reconciler acts. */
  after: number;
  maxRunsPerHour: number;
}

export interface RemediationConfig {
  /** Bearer token; null disables /remediate. */
  token: string | null;
  /** Where the token came from, for messages (never the token itself). */
  tokenSource: "token_file" | "env" | "demo" | null;
  garpMode: GarpMode;
  /** arping -c */
  garpCount: number;
  cooldownMs: number;
  verifyTimeoutMs: number;
  verifyIntervalMs: number;
  /** JSON-lines audit log; null: audit lines go to the log only. */
  auditLogFile: string | null;
  /** Preferred node per VIP. */
  preferred: Record<string, string>;
  maxBodyBytes: number;
  mode: RemediationMode;
  auto: AutoSettings;
  /** Re-announce each VIP from the node the router already maps it to; 0 = off. */
  refreshIntervalMs: number;
  /** GARP packets per second per node, all forms and VIPs together. */
  maxGarpRate: number;
}

export interface DnsConfig {
  /** Names whose A/AAAA records should be exactly the VIPs: lower case, no trailing dot, unique. */
  names: string[];
  /** Name server to ask (an IP address); null: the system's name servers (/etc/resolv.conf). */
  server: { host: string; port: number } | null;
  /** Per lookup of a name (A and AAAA together). */
  timeoutMs: number;
}

export interface Config {
  vips: string[];
  nodes: NodeConfig[];
  routers: RouterConfig[];
  /** null when no node or router is read over SSH. */
  ssh: SshSettings | null;
  remediation: RemediationConfig;
  /** DNS names checked against the VIPs; absent: none. */
  dns?: DnsConfig;
  /** Upper bound for one collection round (each source also has its own timeout). */
  scrapeTimeoutMs: number;
  /** Path the config came from, for messages; "<demo>" / "<scenario FILE>" for simulations. */
  source: string;
}
