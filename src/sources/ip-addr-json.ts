// Parser for `ip -j addr show dev IF` (iproute2 >= 4.13). Pure.
import { normalizeIp, normalizeMac } from "../model/net.js";
import type { Mac } from "../model/types.js";

export interface InterfaceAddresses {
  /** Addresses on the interface (IPv4 and IPv6, IPv6 in RFC 5952 form), without prefix length, in output order. */
  addresses: string[];
  /** The interface's MAC; null when the output has none (then read /sys/class/net/IF/address). */
  mac: Mac | null;
}

/**
 * Reads the interface's MAC and addresses. Extra fields are ignored, and so are the empty
 * objects some iproute2 4.x versions print for filtered-out interfaces. Throws an Error that
 * says what was received when the output is not the expected JSON.
 */
export function parseIpAddrJson(stdout: string, iface: string): InterfaceAddresses {
  const cmd = `"ip -j addr show dev ${iface}"`;
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new Error(
      `${cmd} did not print JSON (got ${preview(stdout)}); the node needs iproute2 >= 4.13 for "ip -j"`,
    );
  }
  if (!Array.isArray(data)) throw new Error(`${cmd} printed JSON that is not an array (got ${preview(stdout)})`);
  const link = data.find(
    (o): o is Record<string, unknown> => typeof o === "object" && o !== null && !Array.isArray(o) && o.ifname === iface,
  );
  if (!link) {
    const names = data.flatMap((o) => (typeof o?.ifname === "string" ? [JSON.stringify(o.ifname)] : []));
    throw new Error(
      `${cmd} printed no interface "${iface}"${names.length ? ` (only ${names.join(", ").slice(0, 200)})` : ""}; check the node's interface setting`,
    );
  }
  const mac = typeof link.address === "string" ? normalizeMac(link.address) : null;
  const addresses: string[] = [];
  const info = Array.isArray(link.addr_info) ? link.addr_info : [];
  for (const a of info) {
    const local = typeof a === "object" && a !== null ? (a as Record<string, unknown>).local : undefined;
    // In the VIPs' form (RFC 5952 for IPv6), so the join compares one spelling.
    const address = typeof local === "string" ? normalizeIp(local) : null;
    if (address !== null && !addresses.includes(address)) addresses.push(address);
  }
  return { addresses, mac };
}

/** The first bytes of unexpected output, quoted, safe to put into a message. */
export function preview(s: string, max = 40): string {
  const str = String(s);
  if (str.length === 0) return "no output";
  const head = JSON.stringify(str.slice(0, max));
  return str.length > max ? `${head}...` : head;
}
