// Who gets which address and MAC in the lab (pure). Node i: .i, router .254, host leg .250,
// rogue .200, VIPs .101.. ; MACs are locally administered and fixed so logs read easily.
export const LAB_SUBNETS = ["198.51.100.0/24", "203.0.113.0/24"] as const;
export type LabSubnet = (typeof LAB_SUBNETS)[number];

export const MAX_NODES = 20;
export const MAX_VIPS = 50;

export interface LabPlanNode {
  name: string;
  ns: string;
  address: string;
  mac: string;
  /** Bridge-side veth name (inside the bridge namespace). */
  port: string;
}

export interface LabPlan {
  prefix: string;
  subnet: LabSubnet;
  prefixLength: 24;
  bridgeNs: string;
  hostLeg: string;
  hostAddress: string;
  router: LabPlanNode;
  rogue: LabPlanNode;
  nodes: LabPlanNode[];
  vips: string[];
}

/** Namespace prefixes: short enough that `${prefix}-h` fits the 15-byte interface name limit. */
export const PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,10}$/;

export function isLabSubnet(s: string): s is LabSubnet {
  return (LAB_SUBNETS as readonly string[]).includes(s);
}

const mac = (last: number): string => `02:1a:4a:00:00:${last.toString(16).padStart(2, "0")}`;

export function planLab(prefix: string, subnet: LabSubnet, nodes: number, vips: number): LabPlan {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`lab prefix ${JSON.stringify(prefix)} must be 1-11 characters: a lower-case letter, then letters, digits or '-'`);
  }
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) throw new Error(`nodes must be an integer from 1 to ${MAX_NODES}`);
  if (!Number.isInteger(vips) || vips < 1 || vips > MAX_VIPS) throw new Error(`vips must be an integer from 1 to ${MAX_VIPS}`);
  const base = subnet.slice(0, subnet.lastIndexOf(".") + 1);
  const addr = (n: number): string => `${base}${n}`;
  return {
    prefix,
    subnet,
    prefixLength: 24,
    bridgeNs: `${prefix}-br`,
    hostLeg: `${prefix}-h`,
    hostAddress: addr(250),
    router: { name: "lab-router", ns: `${prefix}-router`, address: addr(254), mac: mac(0xfe), port: "r" },
    rogue: { name: "lab-rogue", ns: `${prefix}-rogue`, address: addr(200), mac: mac(0xc8), port: "x" },
    nodes: Array.from({ length: nodes }, (_, i) => ({
      name: `lab-node-${i + 1}`,
      ns: `${prefix}-node-${i + 1}`,
      address: addr(i + 1),
      mac: mac(i + 1),
      port: `n${i + 1}`,
    })),
    vips: Array.from({ length: vips }, (_, i) => addr(101 + i)),
  };
}
