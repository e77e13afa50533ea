// Scenario files for the simulated segment (YAML, contract in DESIGN.md) and the built-in
// default: the example of DESIGN.md, where node 2 gets no traffic.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, formatPath } from "../config/load.js";
import { ipv6Groups, isDnsName, isInterfaceName, isIpv4, isIpv6, normalizeIp, normalizeMac, vipProblem } from "../model/net.js";
import { SimSegment } from "./segment.js";
import { SNMP_FAULTS } from "./snmp-faults.js";

const ip = z.string().refine(isIpv4, { message: "must be an IPv4 address" });
const ip6 = z.string().refine(isIpv6, { message: "must be an IPv6 address" });
const anyIp = z.string().refine((s) => normalizeIp(s) !== null, { message: "must be an IPv4 or IPv6 address" });
// As the exporter's config takes them; compared and served in normalizeIp form (RFC 5952).
const vip = z.string().refine((s) => vipProblem(s) === null, { error: (iss) => vipProblem(String(iss.input)) ?? "must be an IP address" });
const norm = (s: string): string => normalizeIp(s) ?? s;
const mac = z.string().refine((s) => normalizeMac(s) !== null, { message: "must be a MAC like 02:00:00:00:00:01" });

const scenarioSchema = z.strictObject({
  vips: z.array(vip).min(1),
  nodes: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/),
        address: anyIp,
        interface: z.string().refine(isInterfaceName, { message: "must be an interface name" }).default("eth0"),
        mac,
        holds: z.array(vip).default([]),
        up: z.boolean().default(true),
        arping: z.boolean().default(true),
        arping_interval_ms: z.number().int().min(0).max(10_000).default(0),
        ndptool: z.boolean().default(true),
      }),
    )
    .min(1),
  routers: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/),
        arp_accept: z.boolean().default(false),
        accept_untracked_na: z.boolean().default(false),
        ignores: z.enum(["none", "reply", "request", "both"]).default("none"),
        entries: z.record(vip, mac).default({}),
        static: z.array(vip).default([]),
        community: z.string().min(1).default("public"),
        address: ip.optional(),
        prefix_length: z.number().int().min(8).max(32).default(24),
        address6: ip6.optional(),
        prefix_length6: z.number().int().min(16).max(128).default(64),
        if_index: z.number().int().min(1).default(2),
        up: z.boolean().default(true),
        snmp_fault: z.enum(SNMP_FAULTS).default("none"),
        slow_ms: z.number().int().min(0).max(600_000).default(1500),
      }),
    )
    .min(1),
  // The segment's name server (127.0.0.1): each name's A and AAAA records; not listed: NXDOMAIN.
  dns: z
    .strictObject({
      // Names are checked below, where the message can say what is wrong with a key.
      names: z.record(z.string(), z.array(anyIp)),
    })
    .optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;

export const DEFAULT_SCENARIO_YAML = `# The classic drift: three infra nodes hold every VIP, the router sends
# .101 to node 1 and both .102 and .103 to node 3. Node 2 gets no traffic at all.
vips: [192.0.2.101, 192.0.2.102, 192.0.2.103]
nodes:
  - name: ose-prod-node-01
    address: 192.0.2.1
    interface: eth0
    mac: "00:1a:4a:48:be:4b"
    holds: [192.0.2.101, 192.0.2.102, 192.0.2.103]
  - name: ose-prod-node-02
    address: 192.0.2.2
    interface: eth0
    mac: "00:1a:4a:48:be:ef"
    holds: [192.0.2.101, 192.0.2.102, 192.0.2.103]
  - name: ose-prod-node-03
    address: 192.0.2.3
    interface: eth0
    mac: "00:1a:4a:48:be:4c"
    holds: [192.0.2.101, 192.0.2.102, 192.0.2.103]
routers:
  - name: core-s1
    arp_accept: false
    ignores: none
    entries:
      192.0.2.101: "00:1a:4a:48:be:4b"
      192.0.2.102: "00:1a:4a:48:be:4c"
      192.0.2.103: "00:1a:4a:48:be:4c"
    static: []
# Round-robin DNS hands clients the three VIPs (dig +short foo.os.example.com).
dns:
  names:
    foo.os.example.com: [192.0.2.101, 192.0.2.102, 192.0.2.103]
`;

export function parseScenario(text: string, source = "<scenario>"): Scenario {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(source, [`not valid YAML: ${(err as Error).message.split("\n")[0]}`]);
  }
  const parsed = scenarioSchema.safeParse(doc, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map((i) =>
        i.code === "unrecognized_keys"
          ? `${formatPath([...i.path, i.keys[0]!])}: unknown key`
          : `${formatPath(i.path)}: ${i.message}`,
      ),
    );
  }
  const s = parsed.data;
  const problems: string[] = [];
  const vips = s.vips.map(norm);
  s.nodes.forEach((n, i) =>
    n.holds.forEach((v, j) => {
      if (!vips.includes(norm(v))) problems.push(`nodes[${i}].holds[${j}]: ${v} is not one of vips`);
    }),
  );
  s.routers.forEach((r, i) => {
    const entries = Object.keys(r.entries).map(norm);
    r.static.forEach((v, j) => {
      if (!entries.includes(norm(v))) problems.push(`routers[${i}].static[${j}]: ${v} has no entry to make static`);
    });
  });
  for (const name of Object.keys(s.dns?.names ?? {})) {
    if (!isDnsName(name)) problems.push(`dns.names.${name}: must be a DNS name like foo.os.example.com`);
  }
  if (problems.length) throw new ConfigError(source, problems);
  return s;
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(path, [`cannot read the scenario file: ${(err as Error).message}`]);
  }
  return parseScenario(text, path);
}

export function defaultScenario(): Scenario {
  return parseScenario(DEFAULT_SCENARIO_YAML, "<default scenario>");
}

/** ::fe in the /64 of an IPv6 address: the simulated router's own address next to IPv6 VIPs. */
function routerAddress6(vip: string): string {
  const g = ipv6Groups(vip)!;
  return normalizeIp([...g.slice(0, 4), 0, 0, 0, 0xfe].map((x) => x.toString(16)).join(":"))!;
}

/** The live segment state a scenario describes (addresses in normalizeIp form). */
export function buildSegment(s: Scenario): SimSegment {
  const vips = s.vips.map(norm);
  const seg = new SimSegment(vips);
  for (const n of s.nodes) {
    seg.addNode({
      name: n.name,
      address: norm(n.address),
      interface: n.interface,
      mac: normalizeMac(n.mac)!,
      holds: new Set(n.holds.map(norm)),
      up: n.up,
      hasArping: n.arping,
      arpingIntervalMs: n.arping_interval_ms,
      hasNdptool: n.ndptool,
    });
  }
  const first4 = vips.find(isIpv4);
  const first6 = vips.find(isIpv6);
  for (const r of s.routers) {
    const statics = new Set(r.static.map(norm));
    const entries = new Map(Object.entries(r.entries).map(([vip, m]) => [norm(vip), { mac: normalizeMac(m)!, static: statics.has(norm(vip)) }]));
    const address6 = r.address6 ? norm(r.address6) : first6 ? routerAddress6(first6) : undefined;
    seg.addRouter({
      name: r.name,
      arpAccept: r.arp_accept,
      acceptUntrackedNa: r.accept_untracked_na,
      ignores: r.ignores,
      entries,
      community: r.community,
      ifIndex: r.if_index,
      ifName: `eth${r.if_index - 1}`,
      address: r.address ?? (first4 ?? "192.0.2.101").replace(/\.\d+$/, ".254"),
      prefixLength: r.prefix_length,
      ...(address6 ? { address6, prefixLength6: r.prefix_length6 } : {}),
      up: r.up,
      fault: r.snmp_fault,
      slowMs: r.slow_ms,
    });
  }
  return seg;
}
