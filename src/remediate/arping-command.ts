// The only place GARP commands are built (IPv4 VIPs; IPv6 ones use ndp-command.ts). Everything
// that reaches the node's shell is validated here first: the VIP must be an IPv4 address, the
// interface a plain Linux interface name, the count a small integer. Anything else throws
// before a string exists.
import type { GarpMode } from "../config/types.js";
import { isInterfaceName, isIp, isIpv4 } from "../model/net.js";

export const MAX_GARP_COUNT = 20;

export const ARPING = {
  tool: "arping",
  install: "install iputils-arping",
  /** What a shell prints when the program is not installed. */
  missing: /command not found|arping: not found/i,
} as const;

/**
 * The arping invocations that announce `vip` from this node's `iface`.
 *
 * Why two forms: routers disagree on which gratuitous ARP they honour. Some (Junos among
 * them) ignore gratuitous *replies* (`-A`), others ignore gratuitous *requests* (`-U`).
 * Mode "both" sends a reply burst then a request burst so either kind of router remaps.
 */
export function garpCommands(vip: string, iface: string, mode: GarpMode, count: number): string[] {
  if (typeof vip !== "string" || !isIp(vip)) {
    throw new Error(`refusing to build arping command: VIP ${JSON.stringify(vip)} is not an IP address`);
  }
  if (!isIpv4(vip)) {
    throw new Error(`refusing to build arping command: VIP ${vip} is IPv6, which ARP cannot announce (IPv6 VIPs are announced with ndptool)`);
  }
  checkInterfaceAndCount("arping", iface, count);
  const flags: string[] =
    mode === "both" ? ["-A", "-U"] : mode === "reply" ? ["-A"] : mode === "request" ? ["-U"] : [];
  if (flags.length === 0) {
    throw new Error(`refusing to build arping command: garp mode ${JSON.stringify(mode)} must be both, reply or request`);
  }
  return flags.map((f) => `arping -c ${count} ${f} -I ${iface} ${vip}`);
}

/** The interface and count checks every announcement command shares (arping, ndptool). */
export function checkInterfaceAndCount(tool: string, iface: string, count: number): void {
  if (typeof iface !== "string" || !isInterfaceName(iface)) {
    throw new Error(
      `refusing to build ${tool} command: interface ${JSON.stringify(iface)} is not a valid interface name ` +
        `(letters, digits, _ . @ -; at most 15 characters): fix the node's interface in the config`,
    );
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_GARP_COUNT) {
    throw new Error(`refusing to build ${tool} command: count ${String(count)} must be an integer from 1 to ${MAX_GARP_COUNT}`);
  }
}
