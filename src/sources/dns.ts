// DNS source: the A and AAAA records of one name, looked up in parallel with node:dns's
// Resolver (c-ares, the library `dig`-like tools use) at dns.server or at the system's name
// servers (/etc/resolv.conf; /etc/hosts is not read), each lookup within dns.timeout. What
// `dig +short NAME A` and `dig +short NAME AAAA` print, as plain data:
//   198.51.100.101
//   198.51.100.102
//   2001:db8::101
// A lookup fails, never returns "nothing": NXDOMAIN (the name does not exist), NODATA (it has
// neither A nor AAAA records), SERVFAIL, REFUSED, no answer in time and an unreachable server
// each fail with their own message. One family failing fails the lookup: half a view would
// read as missing VIPs.
import { Resolver } from "node:dns/promises";
import type { DnsConfig } from "../config/types.js";
import { compareIp, normalizeIp } from "../model/net.js";
import type { DnsAnswer } from "../model/types.js";

export interface DnsSource {
  /** The name looked up (collector target). */
  readonly name: string;
  lookup(): Promise<DnsAnswer>;
}

export type DnsFailure = "nxdomain" | "nodata" | "servfail" | "refused" | "timeout" | "unreachable" | "error";

export class DnsLookupError extends Error {
  constructor(
    readonly failure: DnsFailure,
    message: string,
  ) {
    super(message);
    this.name = "DnsLookupError";
  }
}

/** One family's outcome: its addresses, or the c-ares error code ("ENODATA", "ETIMEOUT", ...). */
export type FamilyOutcome = { addresses: string[] } | { code: string };

/** "127.0.0.1:53", "[2001:db8::53]:53": what Resolver.setServers takes and messages show. */
export function serverText(server: { host: string; port: number }): string {
  return server.host.includes(":") ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** The configured server for messages, or what the default is. */
export function serverLabel(dns: Pick<DnsConfig, "server">): string {
  return dns.server ? serverText(dns.server) : "the name servers of /etc/resolv.conf";
}

function failureOf(code: string): DnsFailure {
  switch (code) {
    case "ENOTFOUND":
      return "nxdomain";
    case "ENODATA":
      return "nodata";
    case "ESERVFAIL":
      return "servfail";
    case "EREFUSED":
      return "refused";
    case "ETIMEOUT":
    case "ECANCELLED":
      return "timeout";
    case "ECONNREFUSED":
      return "unreachable";
    default:
      return "error";
  }
}

function explain(failure: DnsFailure, code: string, what: string, at: string, timeoutMs: number): string {
  switch (failure) {
    case "nxdomain":
      return `the name does not exist (NXDOMAIN) at ${at}; check the name in dns.names and the zone`;
    case "nodata":
      return `the name has no A or AAAA records (NODATA) at ${at}; add the VIPs' records to the zone, or remove the name from dns.names`;
    case "servfail":
      return `${at} failed to resolve ${what} (SERVFAIL); check the name server's log and the zone it serves`;
    case "refused":
      return `${at} refused to resolve ${what} (REFUSED); allow the exporter to query it, or set dns.server to a server of the zone`;
    case "timeout":
      return `${at} did not answer for ${what} within ${timeoutMs} ms; check that it is reachable from the exporter over UDP, or raise dns.timeout`;
    case "unreachable":
      return `nothing answers DNS at ${at} (connection refused); check dns.server`;
    default:
      return `resolving ${what} at ${at} failed with ${code}; check dns.server and the exporter's network`;
  }
}

/**
 * The answer for a name from its two families' outcomes, or the error that says why there is
 * none. Pure, so every combination is tested without a server.
 */
export function combineFamilies(a: FamilyOutcome, aaaa: FamilyOutcome, at: string, timeoutMs: number): DnsAnswer["addresses"] | DnsLookupError {
  const failedCode = (o: FamilyOutcome): string | null => ("code" in o && o.code !== "ENODATA" ? o.code : null);
  const [codeA, codeAaaa] = [failedCode(a), failedCode(aaaa)];
  const code = codeA ?? codeAaaa;
  if (code !== null) {
    // Name the family that failed; both failing the same way (ETIMEOUT and ECANCELLED are
    // both a timeout) is about the name.
    const same = codeA !== null && codeAaaa !== null && failureOf(codeA) === failureOf(codeAaaa);
    const what = same ? "the name" : codeA !== null ? "its A records" : "its AAAA records";
    const failure = failureOf(code);
    return new DnsLookupError(failure, explain(failure, code, what, at, timeoutMs));
  }
  const found = [...("addresses" in a ? a.addresses : []), ...("addresses" in aaaa ? aaaa.addresses : [])];
  const addresses = [...new Set(found.map((x) => normalizeIp(x) ?? x))].sort(compareIp);
  if (addresses.length === 0) return new DnsLookupError("nodata", explain("nodata", "ENODATA", "the name", at, timeoutMs));
  return addresses;
}

async function outcome(p: Promise<string[]>): Promise<FamilyOutcome> {
  try {
    return { addresses: await p };
  } catch (err) {
    return { code: String((err as NodeJS.ErrnoException).code ?? (err as Error).message) };
  }
}

/** Looks the name up once: A and AAAA together, the whole lookup bounded by timeoutMs. */
export async function lookupName(name: string, dns: Pick<DnsConfig, "server" | "timeoutMs">): Promise<DnsAnswer> {
  // A resolver per lookup: cancel() at the deadline touches no other lookup, no answer is
  // cached across rounds (c-ares caches per resolver, by TTL), and a changed /etc/resolv.conf
  // is picked up on the next round.
  const resolver = new Resolver({ timeout: dns.timeoutMs, tries: 1 });
  if (dns.server) resolver.setServers([serverText(dns.server)]);
  // c-ares may wait longer than its timeout (backoff, several servers): the deadline cancels.
  const timer = setTimeout(() => resolver.cancel(), dns.timeoutMs);
  try {
    const [a, aaaa] = await Promise.all([outcome(resolver.resolve4(name)), outcome(resolver.resolve6(name))]);
    const result = combineFamilies(a, aaaa, serverLabel(dns), dns.timeoutMs);
    if (result instanceof DnsLookupError) throw result;
    return { name, addresses: result };
  } finally {
    clearTimeout(timer);
  }
}

export function createDnsSource(name: string, dns: DnsConfig): DnsSource {
  return { name, lookup: () => lookupName(name, dns) };
}
