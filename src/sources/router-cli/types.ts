// What every router CLI parser returns. Parsers are pure: text in, plain data out.
import type { Mac } from "../../model/types.js";

/** One complete ARP/neighbour entry read from a router's CLI output. */
export interface CliArpEntry {
  ip: string;
  /** Lower-case colon form (normalizeMac). */
  mac: Mac;
  /** Configured or router-owned entry: a GARP cannot move it. */
  static: boolean;
  interface?: string;
  /** VRF / routing context, when the output names one. */
  vrf?: string;
}

/** A line that looks like a table row (or a device error) but could not be read. */
export interface ParseError {
  /** 1-based line number in the output. */
  line: number;
  text: string;
  reason: string;
}

export interface ParseResult {
  entries: CliArpEntry[];
  errors: ParseError[];
}

export type CliParser = (output: string) => ParseResult;
