// The only place unsolicited neighbour advertisement commands are built (IPv6 VIPs; arping
// is IPv4 only). Everything that reaches the node's shell is validated here first: the VIP must
// be an IPv6 address in normalizeIp form (hex digits and colons only), the interface a plain
// Linux interface name, the count a small integer. Anything else throws before a string exists.
//
// `ndptool send -t na -U -i IF -T VIP` (libndp 1.8, Debian libndp-tools) sends one NA to
// ff02::1 from the interface's link-local address: target VIP, the interface's MAC as target
// link-layer address, override flag set, solicited flag clear (-U sets both; there is no other
// override flag). It sends exactly one packet and returns; it does not check that the node holds
// the VIP, so that rule is the planner's (model/plan.ts), as for arping.
import { isIpv6, normalizeIp } from "../model/net.js";
import { checkInterfaceAndCount } from "./arping-command.js";

export const NDPTOOL = {
  tool: "ndptool",
  install: "install libndp-tools (ndptool)",
  /** What a shell prints when the program is not installed. */
  missing: /command not found|ndptool: not found/i,
} as const;

/** `count` unsolicited NAs for `vip` from this node's `iface`: one command per packet. */
export function naCommands(vip: string, iface: string, count: number): string[] {
  if (typeof vip !== "string" || !isIpv6(vip) || normalizeIp(vip) !== vip || !/^[0-9a-f:]+$/.test(vip)) {
    throw new Error(`refusing to build ndptool command: VIP ${JSON.stringify(vip)} is not an IPv6 address in RFC 5952 form`);
  }
  checkInterfaceAndCount("ndptool", iface, count);
  return Array.from({ length: count }, () => `ndptool send -t na -U -i ${iface} -T ${vip}`);
}
