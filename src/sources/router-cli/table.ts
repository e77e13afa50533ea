// The loop every text-table parser shares: skip what is not a row, track VRF headers and
// the column header, report device errors and unreadable rows with their line numbers.
// A parser that names its chrome (headers, footers, legends) is strict: any other line
// that is no row is an error too, so another platform's output never reads as empty.
import { cleanLine, isDeviceError, isLogLine, looksIpv6, looksLikeRow, rowError, splitLines, tokens, vrfHeader } from "./common.js";
import type { CliArpEntry, ParseResult } from "./types.js";

/** What a row parser makes of one row: an entry, null (incomplete: not an entry), or why it failed. */
export type RowOutcome = CliArpEntry | null | { error: string };

export interface RowContext {
  /** The last column header line seen (isHeader), for parsers whose columns vary. */
  header: string | undefined;
  /** The row as printed, paging remnants removed. */
  line: string;
}

export type RowParser = (toks: string[], vrf: string | undefined, ctx: RowContext) => RowOutcome;

export interface TableOptions {
  isRow?: (toks: string[]) => boolean;
  /** Column header lines: remembered for the rows below them and skipped. */
  isHeader?: (line: string) => boolean;
  /** Known chrome. When given, a line that is neither chrome, header nor row is an error. */
  isChrome?: (line: string) => boolean;
  /** The command whose output this is, for the strict error message. */
  command?: string;
  /** What a row is, for that message (default "an ARP row"). */
  rowKind?: string;
  /**
   * NX-OS and Junos print an IPv6 address too long for its column alone on a line and the
   * rest of the row, indented, on the next: such a pair is one row (numbered by its first line).
   */
  wrappedAddresses?: boolean;
}

export function parseTable(output: string, parseRow: RowParser, options: TableOptions | ((toks: string[]) => boolean) = {}): ParseResult {
  const opts: TableOptions = typeof options === "function" ? { isRow: options } : options;
  const isRow = opts.isRow ?? looksLikeRow;
  const result: ParseResult = { entries: [], errors: [] };
  let vrf: string | undefined;
  let header: string | undefined;
  const lines = splitLines(output);
  for (let i = 0; i < lines.length; i++) {
    let line = cleanLine(lines[i]!);
    const next = lines[i + 1] === undefined ? undefined : cleanLine(lines[i + 1]!);
    if (opts.wrappedAddresses && next !== undefined && isLoneAddress(line) && /^\s+\S/.test(next)) {
      line = `${line.trim()} ${next.trim()}`;
      lines[i + 1] = "";
    }
    if (line.trim() === "" || isLogLine(line)) continue;
    if (isDeviceError(line)) {
      result.errors.push(rowError(i + 1, line, "the router reported an error instead of the table"));
      continue;
    }
    const vrfName = vrfHeader(line);
    if (vrfName !== undefined) {
      vrf = vrfName ?? undefined;
      continue;
    }
    if (opts.isHeader?.(line)) {
      header = line;
      continue;
    }
    const toks = tokens(line);
    if (!isRow(toks)) {
      if (opts.isChrome && !opts.isChrome(line)) {
        const what = opts.command ? `\`${opts.command}\` output` : "this platform's ARP table";
        result.errors.push(rowError(i + 1, line, `neither ${opts.rowKind ?? "an ARP row"} nor a header or footer of ${what}`));
      }
      continue;
    }
    let outcome: RowOutcome;
    try {
      outcome = parseRow(toks, vrf, { header, line });
    } catch (err) {
      // Row parsers are written not to throw; this keeps a bug from becoming a crash.
      outcome = { error: `internal parser error: ${(err as Error).message}` };
    }
    if (outcome === null) continue;
    if ("error" in outcome) result.errors.push(rowError(i + 1, line, outcome.error));
    else result.entries.push(outcome);
  }
  return result;
}

/** A line holding one IPv6-looking token and nothing else (the first half of a wrapped row). */
function isLoneAddress(line: string): boolean {
  const toks = tokens(line);
  return toks.length === 1 && looksIpv6(toks[0]!) && /^\S/.test(line);
}

/**
 * The options of an IPv6 neighbour table: rows start with an address, the column header is
 * remembered, and any other line that is not the platform's chrome is an error.
 */
export function neighbourTable(o: { command: string; header: RegExp; isChrome: (line: string) => boolean; wrappedAddresses?: boolean }): TableOptions {
  return {
    isRow: (toks) => toks[0] !== undefined && looksIpv6(toks[0]),
    isHeader: (line) => o.header.test(line),
    isChrome: o.isChrome,
    command: o.command,
    rowKind: "a neighbour row",
    ...(o.wrappedAddresses ? { wrappedAddresses: true } : {}),
  };
}
