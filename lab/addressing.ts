// Who gets which address and MAC in the lab (pure). Node i: .i, router .254, host leg .250,
// rogue .200, VIPs .101.. ; MACs are locally administered and fixed so logs read easily. With
// IPv6, each subnet has its own /64 from 2001:db8::/32, numbered the same way (node i ::i,
// router ::254, rogue ::200, VIPs ::101..): the IPv4 subnet's lock covers it too.
export const LAB_SUBNETS = ["198.51.100.0/24", "203.0.113.0/24"] as const;
export type LabSubnet = (typeof LAB_SUBNETS)[number];

/** The /64 of each lab subnet (no other network uses 2001:db8::/32: RFC 3849). */
export const LAB_PREFIXES6: Record<LabSubnet, string> = {
  "198.51.100.0/24": "2001:db8:198:51::/64",
  "203.0.113.0/24": "2001:db8:203:113::/64",
};

/** Which VIPs the lab has: IPv4 only (the default), IPv6 only, or both (dual stack). */
export const LAB_FAMILIES = ["ipv4", "ipv6", "dual"] as const;
export type LabFamily = (typeof LAB_FAMILIES)[number];

export const MAX_NODES = 20;
export const MAX_VIPS = 50;

export interface LabPlanNode {
  name: string;
  ns: string;
  address: string;
  /** Its address in the lab's /64, when the lab has IPv6. */
  address6?: string;
  mac: string;
  /** Bridge-side veth name (inside the bridge namespace). */
  port: string;
}

export interface LabPlan {
  prefix: string;
  subnet: LabSubnet;
  prefixLength: 24;
  family: LabFamily;
  /** The lab's IPv6 /64 ("2001:db8:...::/64"); null without IPv6. */
  prefix6: string | null;
  bridgeNs: string;
  hostLeg: string;
  hostAddress: string;
  router: LabPlanNode;
  rogue: LabPlanNode;
  nodes: LabPlanNode[];
  /** Every VIP: the IPv4 ones, then the IPv6 ones. */
  vips: string[];
  vips4: string[];
  vips6: string[];
}

/** Namespace prefixes: short enough that `${prefix}-h` fits the 15-byte interface name limit. */
export const PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,10}$/;

export function isLabSubnet(s: string): s is LabSubnet {
  return (LAB_SUBNETS as readonly string[]).includes(s);
}

const mac = (last: number): string => `02:1a:4a:00:00:${last.toString(16).padStart(2, "0")}`;

export function planLab(prefix: string, subnet: LabSubnet, nodes: number, vips: number, family: LabFamily = "ipv4"): LabPlan {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`lab prefix ${JSON.stringify(prefix)} must be 1-11 characters: a lower-case letter, then letters, digits or '-'`);
  }
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) throw new Error(`nodes must be an integer from 1 to ${MAX_NODES}`);
  if (!Number.isInteger(vips) || vips < 1 || vips > MAX_VIPS) throw new Error(`vips must be an integer from 1 to ${MAX_VIPS}`);
  if (!(LAB_FAMILIES as readonly string[]).includes(family)) throw new Error(`family must be ${LAB_FAMILIES.join(", ")}, not ${String(family)}`);
  const base = subnet.slice(0, subnet.lastIndexOf(".") + 1);
  const addr = (n: number): string => `${base}${n}`;
  const ipv6 = family !== "ipv4";
  const net6 = LAB_PREFIXES6[subnet].replace(/::\/64$/, "::");
  // The decimal number read as hex digits: ::254 for .254, ::101 for .101 (RFC 5952 form).
  const addr6 = (n: number): string | undefined => (ipv6 ? `${net6}${n}` : undefined);
  const site = (s: Omit<LabPlanNode, "address6">, n: number): LabPlanNode => (ipv6 ? { ...s, address6: addr6(n)! } : s);
  const vips4 = family === "ipv6" ? [] : Array.from({ length: vips }, (_, i) => addr(101 + i));
  const vips6 = ipv6 ? Array.from({ length: vips }, (_, i) => addr6(101 + i)!) : [];
  return {
    prefix,
    subnet,
    prefixLength: 24,
    family,
    prefix6: ipv6 ? LAB_PREFIXES6[subnet] : null,
    bridgeNs: `${prefix}-br`,
    hostLeg: `${prefix}-h`,
    hostAddress: addr(250),
    router: site({ name: "lab-router", ns: `${prefix}-router`, address: addr(254), mac: mac(0xfe), port: "r" }, 254),
    rogue: site({ name: "lab-rogue", ns: `${prefix}-rogue`, address: addr(200), mac: mac(0xc8), port: "x" }, 200),
    nodes: Array.from({ length: nodes }, (_, i) =>
      site({ name: `lab-node-${i + 1}`, ns: `${prefix}-node-${i + 1}`, address: addr(i + 1), mac: mac(i + 1), port: `n${i + 1}` }, i + 1),
    ),
    vips: [...vips4, ...vips6],
    vips4,
    vips6,
  };
}
