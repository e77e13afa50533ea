// Plain data shared by sources, the pure model, metrics and remediation. No I/O here.

/** A MAC address, always lower-case colon form: "aa:bb:cc:dd:ee:ff". */
export type Mac = string;

// ---------------------------------------------------------------------------
// What the sources return (src/sources/*). Plain data, never metrics.
// ---------------------------------------------------------------------------

/** One complete ARP entry of a router for one VIP. Incomplete/invalid entries are not reported. */
export interface ArpEntry {
  vip: string;
  mac: Mac;
  /** A static (configured) entry: a GARP cannot move it. */
  static: boolean;
  /** Router interface the entry sits on, when the source knows it (ifIndex or name). */
  interface?: string;
}

/** A VIP whose entry the router answered for, but in a form that could not be read. */
export interface UnreadableEntry {
  vip: string;
  /** Says what was wrong, naming the OID or line. */
  reason: string;
}

/**
 * A router's ARP entries for the requested VIPs. A VIP without a complete entry is absent;
 * a VIP listed in `unreadable` is unknown (neither present nor absent).
 */
export interface RouterReading {
  router: string;
  entries: ArpEntry[];
  unreadable?: UnreadableEntry[];
}

/** A node's interface as read over SSH (`ip -j addr show dev IF`, `/sys/class/net/IF/address`). */
export interface NodeInventory {
  node: string;
  mac: Mac | null;
  /** Addresses on the interface, without prefix length. */
  addresses: string[];
}

/** The A and AAAA records of one DNS name (dns.names), as src/sources/dns.ts read them. */
export interface DnsAnswer {
  name: string;
  /** Every address returned, A and AAAA, in normalizeIp form, sorted, without duplicates; never empty. */
  addresses: string[];
}

/** Runs one command on a remote host (an SSH connection). */
export interface ExecResult {
  /** Exit code; null when the command was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}
export interface CommandRunner {
  /** onStarted: called once the host confirmed the command started (remediation paces GARPs by it). */
  exec(command: string, opts?: { timeoutMs?: number; onStarted?: () => void }): Promise<ExecResult>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Observation: one collection round, input of analyze().
// ---------------------------------------------------------------------------

export interface ObservedNode {
  name: string;
  /** The node's inventory was read in this round (or it needs none: static MAC, no SSH). */
  up: boolean;
  /** Its MAC: read now, else configured, else last known. null when never known. */
  mac: Mac | null;
  /** VIPs present on its interface. Empty when down. */
  holds: string[];
  error?: string;
}

export interface ObservedRouter {
  name: string;
  /** null when the router could not be read this round. */
  reading: RouterReading | null;
  error?: string;
}

export interface ObservedDnsName {
  name: string;
  /** null when the lookup failed this round: then nothing is known, not "publishes nothing". */
  addresses: string[] | null;
  error?: string;
}

export interface Observation {
  vips: string[];
  nodes: ObservedNode[];
  routers: ObservedRouter[];
  /** The DNS names checked against the VIPs (dns.names); absent when none are configured. */
  dns?: ObservedDnsName[];
}

// ---------------------------------------------------------------------------
// Analysis: output of analyze(observation). Everything the metrics and `check` show.
// ---------------------------------------------------------------------------

export interface VipView {
  vip: string;
  /** The router's answer for the VIP could be read (false: its entry is unknown, see `unreadable`). */
  readable: boolean;
  /** The router has a complete ARP entry for the VIP. */
  present: boolean;
  mac: Mac | null;
  /** Node owning that MAC; null when absent or the MAC belongs to no known node. */
  node: string | null;
  static: boolean;
  /** The node the router sends the VIP to has it on its interface (false: blackholed). */
  ownerHoldsVip: boolean;
}

export interface RouterAnalysis {
  router: string;
  ok: boolean;
  error?: string;
  /** One per configured VIP, in config order. Empty when !ok. */
  vips: VipView[];
  /** Every VIP's entry could be read (ok and nothing unreadable). */
  complete: boolean;
  /** VIPs whose entries could not be read, with the reason. */
  unreadable: UnreadableEntry[];
  /** VIPs the router maps to each configured node's MAC; every configured node present (0 too). */
  counts: Record<string, number>;
  /** VIPs with a complete entry. */
  resolved: number;
  /** Moves needed to spread the resolved VIPs evenly over the up nodes. */
  moves: number;
  /** moves / resolved, 0 when resolved is 0. */
  imbalanceRatio: number;
}

export type AnomalyKind =
  | "router-unreachable"
  | "unreadable-entry"
  | "view-implausible"
  | "duplicate-mac"
  | "node-down"
  | "missing-entry"
  | "unknown-mac"
  | "blackholed"
  | "vip-not-held"
  | "node-owns-no-vips"
  | "imbalanced"
  | "routers-disagree"
  | "static-entry"
  | "dns-lookup-failed"
  | "dns-unknown-address"
  | "dns-missing-vip"
  | "dns-unserved-vip";

export interface Anomaly {
  kind: AnomalyKind;
  router?: string;
  vip?: string;
  node?: string;
  /** The DNS name of a dns-* anomaly. */
  dnsName?: string;
  /** The published address of a dns-unknown-address anomaly (not a VIP). */
  address?: string;
  /** One sentence an engineer can act on. */
  message: string;
}

/** served: a VIP some up node holds and no router sends elsewhere; unserved: a VIP no up node
 * holds, or one a router sends to a node that does not hold it; not-a-vip: not a configured VIP. */
export type DnsRecordStatus = "served" | "unserved" | "not-a-vip";

export interface DnsRecordView {
  address: string;
  type: "A" | "AAAA";
  status: DnsRecordStatus;
  /** Why it is unserved. */
  reason?: string;
}

export interface DnsNameView {
  name: string;
  /** The lookup succeeded; when false, records and missing are empty (nothing is known). */
  ok: boolean;
  error?: string;
  /** One per published address, sorted. */
  records: DnsRecordView[];
  /** Configured VIPs the name does not publish, in config order. */
  missing: string[];
  /** Records whose status is unserved. */
  unserved: number;
  /** unserved / records: the share of the name's clients that fail; 0 when the lookup failed. */
  unservedRatio: number;
}

export interface Analysis {
  vips: string[];
  nodes: ObservedNode[];
  /** Up nodes holding each VIP (every configured VIP is a key). */
  holders: Record<string, string[]>;
  routers: RouterAnalysis[];
  anomalies: Anomaly[];
  /** One per configured DNS name, in config order (empty without dns.names). */
  dns: DnsNameView[];
  /** Every router readable, every node up, every VIP resolved to a holder, ratio 0 everywhere,
   * every DNS name resolved to exactly the VIPs, all served. */
  healthy: boolean;
  /** MACs that several nodes report: the router's entries for them cannot be told apart. */
  duplicateMacs: { mac: Mac; nodes: string[] }[];
}

// ---------------------------------------------------------------------------
// Plan: output of plan(analysis, options). GARPs are seen by every router on the segment.
// ---------------------------------------------------------------------------

export interface GarpAction {
  vip: string;
  /** Where a router currently sends the VIP (the first router that disagrees with the target). */
  fromNode: string | null;
  fromMac: Mac | null;
  toNode: string;
  toMac: Mac;
  /** Why: move (rebalance or repair) or reassert (already right, announced again on request). */
  reason: "move" | "reassert";
}

export interface PlanOptions {
  /** Optional preferred node per VIP (used when it is up and holds the VIP). */
  preferred?: Record<string, string>;
  /** Announce every VIP from its target, even when routers already agree. */
  reassert?: boolean;
  /** Restrict actions to these VIPs (targets are still computed for all). */
  vips?: string[];
}

export interface PlanBlocked {
  vip: string;
  reason: string;
}

/** A router whose view the planner did not use, and why (see model/guard.ts). */
export interface Distrust {
  router: string;
  reason: string;
}

export interface Plan {
  /** Target owner node per VIP; null when no up node holds it. */
  targets: Record<string, string | null>;
  actions: GarpAction[];
  /** VIPs that need a change the plan cannot make (static entry, nobody holds it, ...). */
  blocked: PlanBlocked[];
  /** Expected VIPs per node after the plan (every up node present). */
  expectedCounts: Record<string, number>;
  /** Routers whose view could not be trusted: nothing was planned from them. */
  distrusted: Distrust[];
}
