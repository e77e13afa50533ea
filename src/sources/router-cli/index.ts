// The platform table: the only place that knows a platform exists. Each row names the
// command (a fixed string; an override from config is validated, never interpolated), the
// parser, what the SSH user needs to run it, and how `vrf:` works there; and, where IPv6
// neighbours can be read, the IPv6 command and parser (a router with IPv4 and IPv6 VIPs runs both).
import { parseAristaEos } from "./arista-eos.js";
import { parseAristaEosIpv6 } from "./arista-eos-ipv6.js";
import { parseArubaAoscx } from "./aruba-aoscx.js";
import { parseArubaosSwitch } from "./arubaos-switch.js";
import { parseCiscoAsa } from "./cisco-asa.js";
import { parseCiscoIos } from "./cisco-ios.js";
import { parseCiscoIosIpv6 } from "./cisco-ios-ipv6.js";
import { parseCiscoIosxr } from "./cisco-iosxr.js";
import { parseCiscoNxos } from "./cisco-nxos.js";
import { parseCiscoNxosIpv6 } from "./cisco-nxos-ipv6.js";
import { parseExtremeExos } from "./extreme-exos.js";
import { parseFortios } from "./fortios.js";
import { parseHpeComware } from "./hpe-comware.js";
import { parseHuaweiVrp } from "./huawei-vrp.js";
import { parseJunos } from "./junos.js";
import { parseJunosIpv6 } from "./junos-ipv6.js";
import { parseLinux } from "./linux.js";
import { parseMikrotikRouteros } from "./mikrotik-routeros.js";
import { parsePanos } from "./panos.js";
import type { CliParser } from "./types.js";

export type { CliArpEntry, CliParser, ParseError, ParseResult } from "./types.js";
export {
  parseAristaEos,
  parseAristaEosIpv6,
  parseArubaAoscx,
  parseArubaosSwitch,
  parseCiscoAsa,
  parseCiscoIos,
  parseCiscoIosIpv6,
  parseCiscoIosxr,
  parseCiscoNxos,
  parseCiscoNxosIpv6,
  parseExtremeExos,
  parseFortios,
  parseHpeComware,
  parseHuaweiVrp,
  parseJunos,
  parseJunosIpv6,
  parseLinux,
  parseMikrotikRouteros,
  parsePanos,
};

/** How `routers[].vrf` is honoured on a platform. */
export type VrfSupport =
  /** The output names each entry's VRF: `command` prints every VRF; entries of others are dropped. */
  | { kind: "named"; command: string; /** the name of entries printed without one */ unnamed: string }
  /** The output names none, but the platform's command takes a VRF name (validated by the schema). */
  | { kind: "selected"; command: (vrf: string) => string };

/** The IPv6 neighbour table of a platform: its own command (no override: `command:` is the ARP one's) and parser. */
export interface Ipv6Table {
  command: string;
  parse: CliParser;
  /** How `routers[].vrf` reaches this command; absent: as for the ARP command (no VRF support). */
  vrf?: VrfSupport;
}

export interface Platform {
  command: string;
  parse: CliParser;
  /** Absent: IPv6 neighbours cannot be read on this platform (IPv6 VIPs on it are a config error). */
  ipv6?: Ipv6Table;
  /** What the SSH user needs to run the command (README platform table). */
  privilege: string;
  /** Absent: the output never names a VRF, and `vrf:` is a config error. */
  vrf?: VrfSupport;
  /** Without vrf support: the command to point `command:` at for one VRF (the config error says it). */
  vrfCommandHint?: string;
}

export const PLATFORMS = {
  linux: {
    command: "ip -j neigh",
    parse: parseLinux,
    // Used with a command override only: without one, each VIP is asked for (ip -6 -j neigh get).
    ipv6: { command: "ip -6 -j neigh", parse: parseLinux },
    privilege: "any user: reading the neighbour table needs no root",
    vrfCommandHint: "ip -j neigh show vrf NAME (or interface: a device in the VRF)",
  },
  "cisco-ios": {
    command: "show ip arp",
    parse: parseCiscoIos,
    ipv6: { command: "show ipv6 neighbors", parse: parseCiscoIosIpv6 },
    privilege: "privilege level 1 (user EXEC)",
    vrfCommandHint: "show ip arp vrf NAME",
  },
  "arista-eos": {
    command: "show ip arp",
    parse: parseAristaEos,
    ipv6: { command: "show ipv6 neighbors", parse: parseAristaEosIpv6, vrf: { kind: "selected", command: (vrf) => `show ipv6 neighbors vrf ${vrf}` } },
    privilege: "any role that may run show commands (network-operator)",
    vrf: { kind: "named", command: "show ip arp vrf all", unnamed: "default" },
  },
  "cisco-nxos": {
    command: "show ip arp",
    parse: parseCiscoNxos,
    ipv6: { command: "show ipv6 neighbor", parse: parseCiscoNxosIpv6, vrf: { kind: "selected", command: (vrf) => `show ipv6 neighbor vrf ${vrf}` } },
    privilege: "network-operator role",
    vrf: { kind: "named", command: "show ip arp detail vrf all", unnamed: "default" },
  },
  junos: {
    command: "show arp no-resolve",
    parse: parseJunos,
    ipv6: { command: "show ipv6 neighbors", parse: parseJunosIpv6 },
    privilege: "a login class with the view permission (read-only)",
    vrfCommandHint: "show arp no-resolve vpn NAME",
  },
  "cisco-iosxr": {
    command: "show arp",
    parse: parseCiscoIosxr,
    privilege: "a task group with cef read (read-only-tg has it)",
    vrf: { kind: "selected", command: (vrf) => `show arp vrf ${vrf}` },
  },
  "cisco-asa": {
    command: "show arp",
    parse: parseCiscoAsa,
    privilege: "a user that lands in privileged EXEC (aaa authorization exec ... auto-enable) or whose privilege level includes show arp",
    vrfCommandHint: "show arp (log in to the context's own management address for a security context)",
  },
  "huawei-vrp": {
    command: "display arp all",
    parse: parseHuaweiVrp,
    privilege: "user level 1 (monitoring)",
    vrf: { kind: "named", command: "display arp all", unnamed: "_public_" },
  },
  "hpe-comware": {
    command: "display arp",
    parse: parseHpeComware,
    privilege: "network-operator role",
    vrfCommandHint: "display arp vpn-instance NAME",
  },
  "aruba-aoscx": {
    command: "show arp all-vrfs",
    parse: parseArubaAoscx,
    privilege: "operator or administrator (works from the operator context >)",
    vrf: { kind: "named", command: "show arp all-vrfs", unnamed: "default" },
  },
  "arubaos-switch": {
    command: "show arp",
    parse: parseArubaosSwitch,
    privilege: "operator (works at the operator prompt >)",
    vrfCommandHint: "show arp vlan VLAN-ID",
  },
  fortios: {
    command: "get system arp",
    parse: parseFortios,
    privilege: "an admin profile with read access to system configuration",
    vrfCommandHint: "get system arp (as an administrator scoped to the VDOM)",
  },
  panos: {
    command: "show arp all",
    parse: parsePanos,
    privilege: "any admin role, read-only (Device Administrator (Read Only) or Superuser (read-only))",
    vrfCommandHint: "show arp ethernet1/2.100 (the interfaces of the virtual router)",
  },
  "mikrotik-routeros": {
    command: "/ip arp print terse without-paging",
    parse: parseMikrotikRouteros,
    privilege: "a user in a group with the ssh and read policies",
    vrf: { kind: "named", command: "/ip arp print terse without-paging", unnamed: "main" },
  },
  "extreme-exos": {
    command: "show iparp",
    parse: parseExtremeExos,
    privilege: "a user account (admin not needed)",
    vrf: { kind: "named", command: "show iparp", unnamed: "VR-Default" },
  },
} as const satisfies Record<string, Platform>;

export type RouterPlatform = keyof typeof PLATFORMS;

/** The platform names, in table order (the config schema's enum). */
export const PLATFORM_NAMES = Object.keys(PLATFORMS) as [RouterPlatform, ...RouterPlatform[]];

export function platform(name: RouterPlatform): Platform {
  return PLATFORMS[name];
}

/** Characters a command override may contain (a pipe is allowed for device-side filters). */
export const COMMAND_PATTERN = /^[A-Za-z0-9 ._:/|-]+$/;
const MAX_COMMAND_LENGTH = 200;

/**
 * Why a command override is refused, or null when it is acceptable. On a linux router the
 * command runs in a POSIX shell, where a pipe starts another program: refused there.
 */
export function commandProblem(command: string, platform?: RouterPlatform): string | null {
  if (typeof command !== "string" || command.trim() === "") return "is empty";
  if (command.length > MAX_COMMAND_LENGTH) return `is longer than ${MAX_COMMAND_LENGTH} characters`;
  const bad = /[;&$`<>()\\'"\n\r]/.exec(command);
  if (bad) return `contains the shell metacharacter ${JSON.stringify(bad[0])}`;
  if (!COMMAND_PATTERN.test(command)) return "may contain only letters, digits, spaces and . _ : / | -";
  if (platform === "linux" && command.includes("|")) {
    return 'contains "|", which a linux router\'s shell runs as a pipe to another program; filter with ip itself (e.g. ip -j neigh show dev eth0)';
  }
  return null;
}

/** The platforms whose IPv6 neighbours can be read, in table order. */
export const IPV6_PLATFORMS = PLATFORM_NAMES.filter((n) => (PLATFORMS[n] as Platform).ipv6 !== undefined);

/** Why IPv6 VIPs cannot be read on this platform, or null when they can. */
export function ipv6Problem(name: RouterPlatform): string | null {
  if (platform(name).ipv6) return null;
  return `platform "${name}" has no IPv6 neighbour reader yet (${IPV6_PLATFORMS.join(", ")} have one): read this router over SNMP (ipNetToPhysicalTable), or keep its VIPs IPv4`;
}

/** Why `vrf:` cannot be used on this platform, or null when it can. */
export function vrfProblem(name: RouterPlatform): string | null {
  const p = platform(name);
  if (p.vrf) return null;
  return `platform "${name}" prints no VRF names, so entries cannot be told apart by VRF; leave vrf out and point command: at the VRF instead (e.g. ${p.vrfCommandHint})`;
}
