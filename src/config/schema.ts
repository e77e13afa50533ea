// The config file's shape (snake_case, as users write it). Strict objects: a typo in a key
// is an error that names its path, like Prometheus' own config loader.
import { z } from "zod";
import { parseDuration, rangeProblem, RANGES, type DurationRange } from "./duration.js";
import { isDnsName, isInterfaceName, normalizeIp, normalizeMac, vipProblem } from "../model/net.js";
import { PLATFORM_NAMES } from "../sources/router-cli/index.js";
import { VRF_NAME } from "../sources/router-cli/common.js";

/** A duration within its documented range (README "Configuration"); the message names the range. */
const durationIn = (range: DurationRange) =>
  z
    .string({ error: (iss) => (typeof iss.input === "number" ? `must be a duration with a unit, like 5s or 500ms (got the number ${iss.input})` : undefined) })
    .superRefine((s, ctx) => {
    const ms = parseDuration(s);
    const problem = ms === null ? "must be a duration like 500ms, 5s, 1m" : rangeProblem(ms, range);
    if (problem) ctx.addIssue({ code: "custom", message: ms === null ? problem : `${problem} (got ${s})` });
  });
const timeout = durationIn(RANGES.timeout);
/** remediation.auto.interval: a collection per second at most; at least one an hour. */
const AUTO_INTERVAL: DurationRange = { minMs: 1_000, maxMs: 3_600_000 };
/** remediation.refresh_interval: 0s is off; else from 1s to 24h. */
const REFRESH_INTERVAL: DurationRange = { minMs: 0, maxMs: 86_400_000 };

// A VIP, IPv4 or IPv6. IPv6 in RFC 5952 form (normalizeIp) from here on: labels, output and
// every join compare one spelling.
const ip = z
  .string()
  .refine((s) => vipProblem(s) === null, { error: (iss) => vipProblem(String(iss.input)) ?? "must be an IPv4 or IPv6 address" })
  .transform((s) => normalizeIp(s) ?? s);
const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/, "must be 1-63 letters, digits, '_', '.', ':' or '-'");
const iface = z
  .string()
  .refine(isInterfaceName, { message: "must be an interface name like eth0, bond0.100 or ens3f0" });
const mac = z.string().refine((s) => normalizeMac(s) !== null, { message: "must be a MAC like 02:00:00:00:00:01" });
const secret = z.string().min(1);

export const nodeSchema = z.strictObject({
  name,
  address: z.string().min(1),
  interface: iface.default("eth0"),
  mac: mac.optional(),
  holds: z.array(ip).optional(),
  ssh: z.boolean().optional(),
});

const v3Schema = z.strictObject({
  user: z.string().min(1),
  // SnmpAdminString (RFC 3411): at most 32 octets; printable, so it never smuggles bytes into a message.
  context: z.string().regex(/^[\x21-\x7e]{1,32}$/, "must be 1-32 printable ASCII characters (the SNMPv3 contextName, e.g. vlan-100 or vrf-PROD)").optional(),
  level: z.enum(["noAuthNoPriv", "authNoPriv", "authPriv"]).default("authPriv"),
  auth_protocol: z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]).default("sha"),
  auth_key: secret.optional(),
  auth_key_file: z.string().min(1).optional(),
  priv_protocol: z.enum(["des", "aes", "aes256b", "aes256r"]).default("aes"),
  priv_key: secret.optional(),
  priv_key_file: z.string().min(1).optional(),
});

const snmpRouterSchema = z.strictObject({
  name,
  type: z.literal("snmp"),
  address: z.string().min(1),
  version: z.union([z.literal(2), z.literal(3), z.literal("2c"), z.literal("3")]).default(2),
  community: secret.optional(),
  community_file: z.string().min(1).optional(),
  v3: v3Schema.optional(),
  table: z.enum(["auto", "ipNetToPhysical", "ipNetToMedia"]).default("auto"),
  timeout: timeout.optional(),
  retries: z.number().int().min(0).max(5).default(1),
});

export const sshSchema = z.strictObject({
  user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, "must be a user name"),
  private_key_file: z.string().min(1),
  passphrase_file: z.string().min(1).optional(),
  known_hosts_file: z.string().min(1),
  timeout: timeout.default("5s"),
  keepalive_interval: durationIn(RANGES.keepalive).default("15s"),
});

const sshRouterSchema = z.strictObject({
  name,
  type: z.literal("ssh"),
  address: z.string().min(1),
  platform: z.enum(PLATFORM_NAMES),
  // Checked by the loader against the platform (commandProblem), with this key path.
  command: z.string().optional(),
  // Checked by the loader against the platform (vrfProblem). Also reaches a command string
  // on platforms that select a VRF by name: hence the strict pattern.
  vrf: z.string().regex(VRF_NAME, "must be a VRF name: letters, digits and _ . : -, up to 64").optional(),
  // linux only: the router's interface towards the VIPs (default: asked of the kernel once).
  interface: iface.optional(),
  ssh: sshSchema.partial().optional(),
  timeout: timeout.optional(),
});

const routerSchema = z.discriminatedUnion("type", [snmpRouterSchema, sshRouterSchema], {
  error: (iss) =>
    iss.code === "invalid_union" ? 'must have type "snmp" or "ssh"' : undefined,
});

export const remediationSchema = z.strictObject({
  token_file: z.string().min(1).optional(),
  garp_mode: z.enum(["both", "reply", "request"]).default("both"),
  garp_count: z.number().int().min(1).max(20).default(3),
  cooldown: durationIn(RANGES.cooldown).default("60s"),
  verify_timeout: timeout.default("10s"),
  verify_interval: durationIn(RANGES.verifyInterval).default("500ms"),
  audit_log_file: z.string().min(1).optional(),
  preferred: z.record(z.string(), name).default({}),
  max_body_bytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024),
  // Keeping it balanced by itself (README "Keeping it balanced").
  mode: z.enum(["manual", "plan", "auto"]).default("manual"),
  auto: z
    .strictObject({
      interval: durationIn(AUTO_INTERVAL).default("30s"),
      after: z.number().int().min(1).max(100).default(3),
      max_runs_per_hour: z.number().int().min(1).max(60).default(6),
    })
    .default(() => ({ interval: "30s", after: 3, max_runs_per_hour: 6 })),
  refresh_interval: durationIn(REFRESH_INTERVAL).default("0s"),
  max_garp_rate: z.number().int().min(1).max(100).default(5),
});

export const dnsNameSchema = z.string().refine(isDnsName, { message: "must be a DNS name like app.os.example.com" });

// The server's form is checked by the loader, with its key path.
export const dnsSchema = z.strictObject({
  names: z.array(dnsNameSchema).min(1, "list at least one name"),
  server: z.string().min(1).optional(),
  timeout: timeout.default("2s"),
});

export const configSchema = z.strictObject({
  vips: z.array(ip).min(1, "list at least one VIP"),
  nodes: z.array(nodeSchema).min(1, "list at least one node"),
  routers: z.array(routerSchema).min(1, "list at least one router"),
  ssh: sshSchema.optional(),
  remediation: remediationSchema.default(() => remediationSchema.parse({})),
  dns: dnsSchema.optional(),
  scrape_timeout: timeout.default("10s"),
});

export type RawConfig = z.infer<typeof configSchema>;
export type RawNode = z.infer<typeof nodeSchema>;
export type RawSsh = z.infer<typeof sshSchema>;
