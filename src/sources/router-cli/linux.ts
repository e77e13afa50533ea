// Linux `ip -j neigh` and `ip -6 -j neigh` (JSON), with plain `ip neigh` text as a fallback:
//   [{"dst":"192.0.2.101","dev":"eth0","lladdr":"00:1a:4a:48:be:4b","state":["REACHABLE"]},
//    {"dst":"192.0.2.77","dev":"eth0","state":["FAILED"]}, ...]
//   192.0.2.101 dev eth0 lladdr 00:1a:4a:48:be:4b REACHABLE
//   192.0.2.77 dev eth0 FAILED
// The kernel forwards only to valid neighbours (PERMANENT, NOARP, REACHABLE, STALE, DELAY,
// PROBE); FAILED, INCOMPLETE and NONE are not entries. PERMANENT/NOARP cannot be moved by a GARP.
import { isIp, isIpv4, normalizeIp, normalizeMac } from "../../model/net.js";
import { clip, entry, isDeviceError, isZeroMac, rowError, splitLines, tokens } from "./common.js";
import type { CliArpEntry, ParseResult } from "./types.js";

const VALID_STATES = new Set(["PERMANENT", "NOARP", "REACHABLE", "STALE", "DELAY", "PROBE"]);
const INVALID_STATES = new Set(["FAILED", "INCOMPLETE", "NONE"]);
const STATIC_STATES = new Set(["PERMANENT", "NOARP"]);
/** `ip neigh` keywords followed by a value. */
const KEYED = new Set(["dev", "lladdr", "proto", "protocol", "used", "probes"]);

interface Neighbour {
  dst: unknown;
  dev?: unknown;
  lladdr?: unknown;
  states: string[];
}

/** Link-layer addresses of non-Ethernet neighbours (tunnels, InfiniBand): well-formed, not a MAC. */
function isOtherLinkAddress(s: string): boolean {
  return isIpv4(s) || /^([0-9a-f]{2}:)*[0-9a-f]{2}$/i.test(s) || s === "";
}

/** One neighbour to an entry, null (not a complete Ethernet neighbour), or why it is unreadable. */
function toEntry(n: Neighbour): CliArpEntry | null | string {
  if (typeof n.dst !== "string" || !isIp(n.dst)) return `invalid destination address ${JSON.stringify(n.dst) ?? "(missing)"}`;
  if (n.dev !== undefined && (typeof n.dev !== "string" || n.dev === "")) return `invalid dev ${JSON.stringify(n.dev)}`;
  if (n.states.length === 0) return "no neighbour state";
  const unknown = n.states.find((s) => !VALID_STATES.has(s) && !INVALID_STATES.has(s));
  if (unknown !== undefined) return `unknown neighbour state "${unknown}"`;
  if (n.states.some((s) => INVALID_STATES.has(s))) return null;
  if (n.lladdr === undefined) return null; // a valid state without an address: nothing to map
  if (typeof n.lladdr !== "string") return `invalid lladdr ${JSON.stringify(n.lladdr)}`;
  const mac = normalizeMac(n.lladdr);
  if (mac === null) return isOtherLinkAddress(n.lladdr) ? null : `invalid lladdr "${n.lladdr}"`;
  if (isZeroMac(mac)) return null;
  const isStatic = n.states.some((s) => STATIC_STATES.has(s));
  // IPv6 in normalizeIp form (RFC 5952), the form VIPs are compared in.
  return entry(normalizeIp(n.dst) ?? n.dst, mac, isStatic, typeof n.dev === "string" ? n.dev : undefined);
}

/** Maps a character offset to its 1-based line number (binary search over line starts). */
function lineLocator(text: string): (pos: number) => number {
  const starts = [0];
  for (const m of text.matchAll(/\r\n|\r|\n/g)) starts.push((m.index ?? 0) + m[0].length);
  return (pos) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function parseJson(output: string): ParseResult {
  const result: ParseResult = { entries: [], errors: [] };
  const lines = splitLines(output);
  const lineAt = lineLocator(output);
  const lineText = (n: number) => lines[n - 1] ?? "";
  let data: unknown;
  try {
    data = JSON.parse(output);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const n = pos ? lineAt(Number(pos[1])) : lines.length;
    result.errors.push(rowError(n, lineText(n), `invalid JSON from ip -j neigh: ${msg}`));
    return result;
  }
  if (!Array.isArray(data)) {
    result.errors.push(rowError(1, lineText(1), "expected a JSON array of neighbours"));
    return result;
  }
  // Items carry no line numbers; locate each by its n-th "dst" key for pretty-printed output.
  const dstPositions: number[] = [];
  for (const m of output.matchAll(/"dst"/g)) dstPositions.push(m.index ?? 0);
  data.forEach((item: unknown, i) => {
    const n = dstPositions[i] !== undefined ? lineAt(dstPositions[i]!) : 1;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      result.errors.push(rowError(n, clip(JSON.stringify(item) ?? String(item)), "expected a neighbour object"));
      return;
    }
    const obj = item as Record<string, unknown>;
    const state = obj.state;
    if (state !== undefined && !(Array.isArray(state) && state.every((s) => typeof s === "string"))) {
      result.errors.push(rowError(n, clip(JSON.stringify(obj)), "state is not an array of strings"));
      return;
    }
    const out = toEntry({ dst: obj.dst, dev: obj.dev, lladdr: obj.lladdr, states: (state as string[] | undefined) ?? [] });
    if (typeof out === "string") result.errors.push(rowError(n, clip(JSON.stringify(obj)), out));
    else if (out !== null) result.entries.push(out);
  });
  return result;
}

function looksLikeNeighbourLine(toks: string[]): boolean {
  const first = toks[0];
  return first !== undefined && /\d/.test(first) && /^[0-9a-f:.]+$/i.test(first);
}

function parseTextLine(toks: string[]): CliArpEntry | null | string {
  const n: Neighbour = { dst: toks[0], states: [] };
  for (let i = 1; i < toks.length; i++) {
    const t = toks[i]!;
    if (KEYED.has(t)) {
      const v = toks[++i];
      if (v === undefined) return `"${t}" without a value`;
      if (t === "dev") n.dev = v;
      else if (t === "lladdr") n.lladdr = v;
    } else if (/^[A-Z]+$/.test(t)) {
      n.states.push(t);
    } else if (!/^[a-z_]+$/.test(t)) {
      // Lower-case words are flags (router, proxy, extern_learn, offload); anything else is not ip neigh.
      return `unexpected token "${t}"`;
    }
  }
  return toEntry(n);
}

function parseText(output: string): ParseResult {
  const result: ParseResult = { entries: [], errors: [] };
  const lines = splitLines(output);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    if (isDeviceError(line)) {
      result.errors.push(rowError(i + 1, line, "ip reported an error instead of the neighbour table"));
      continue;
    }
    const toks = tokens(line);
    // `ip neigh` prints no headers: a line that is no neighbour row means this is not its output.
    if (!looksLikeNeighbourLine(toks)) {
      result.errors.push(rowError(i + 1, line, "not an `ip neigh` row (expected ADDRESS dev IF ...)"));
      continue;
    }
    const out = parseTextLine(toks);
    if (typeof out === "string") result.errors.push(rowError(i + 1, line, out));
    else if (out !== null) result.entries.push(out);
  }
  return result;
}

export function parseLinux(output: string): ParseResult {
  const text = String(output ?? "");
  const start = text.trimStart()[0];
  return start === "[" || start === "{" ? parseJson(text) : parseText(text);
}
