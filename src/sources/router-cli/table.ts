// The loop every text-table parser shares: skip what is not a row, track VRF headers,
// report device errors and unreadable rows with their line numbers.
import { isDeviceError, looksLikeRow, rowError, splitLines, tokens, vrfHeader } from "./common.js";
import type { CliArpEntry, ParseResult } from "./types.js";

/** What a row parser makes of one row: an entry, null (incomplete: not an entry), or why it failed. */
export type RowOutcome = CliArpEntry | null | { error: string };

export type RowParser = (toks: string[], vrf: string | undefined) => RowOutcome;

export function parseTable(output: string, parseRow: RowParser, isRow: (toks: string[]) => boolean = looksLikeRow): ParseResult {
  const result: ParseResult = { entries: [], errors: [] };
  let vrf: string | undefined;
  const lines = splitLines(output);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    if (isDeviceError(line)) {
      result.errors.push(rowError(i + 1, line, "the router reported an error instead of the table"));
      continue;
    }
    const header = vrfHeader(line);
    if (header !== undefined) {
      vrf = header ?? undefined;
      continue;
    }
    const toks = tokens(line);
    if (!isRow(toks)) continue;
    let outcome: RowOutcome;
    try {
      outcome = parseRow(toks, vrf);
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
