// Strict parser for the arping command lines the simulated nodes accept: exactly the forms
// the remediation executor builds (`arping -c N -A|-U -I IF VIP`, optionally -q and -w N).
// No shell: the command is split on spaces and every token must be one of these.
import type { GarpForm } from "./segment.js";
import { isInterfaceName, isIpv4 } from "../model/net.js";

export interface ArpingArgs {
  count: number;
  form: GarpForm;
  iface: string;
  vip: string;
  quiet: boolean;
  deadlineSeconds: number | null;
}

export type ArpingParse = { ok: true; args: ArpingArgs } | { ok: false; error: string };

export const ARPING_USAGE = "Usage: arping -c count (-A | -U) -I interface [-q] [-w deadline] destination";
/** Upper bound on -c so a simulated node never loops long. */
export const MAX_ARPING_COUNT = 100;

const ARPING_PATHS = new Set(["arping", "/usr/sbin/arping", "/usr/bin/arping", "/sbin/arping", "/bin/arping"]);

/** Splits a command line on spaces (no quoting, no shell). */
export function splitArgv(command: string): string[] {
  return command.trim().split(/ +/).filter((t) => t !== "");
}

export function isArpingCommand(argv: string[]): boolean {
  return argv.length > 0 && ARPING_PATHS.has(argv[0]!);
}

export function parseArpingArgs(argv: string[]): ArpingParse {
  if (!isArpingCommand(argv)) return { ok: false, error: "not an arping command" };
  let count: number | null = null;
  let form: GarpForm | null = null;
  let iface: string | null = null;
  let quiet = false;
  let deadlineSeconds: number | null = null;
  const positional: string[] = [];
  const num = (v: string | undefined, max: number): number | null =>
    v !== undefined && /^[1-9][0-9]{0,5}$/.test(v) && Number(v) <= max ? Number(v) : null;

  for (let i = 1; i < argv.length; i++) {
    const t = argv[i]!;
    switch (t) {
      case "-c": {
        if (count !== null) return { ok: false, error: "-c given twice" };
        count = num(argv[++i], MAX_ARPING_COUNT);
        if (count === null) return { ok: false, error: `-c needs a count between 1 and ${MAX_ARPING_COUNT}` };
        break;
      }
      case "-w": {
        if (deadlineSeconds !== null) return { ok: false, error: "-w given twice" };
        deadlineSeconds = num(argv[++i], 3600);
        if (deadlineSeconds === null) return { ok: false, error: "-w needs a deadline in seconds" };
        break;
      }
      case "-A":
      case "-U": {
        if (form !== null) return { ok: false, error: "give exactly one of -A and -U" };
        form = t === "-A" ? "reply" : "request";
        break;
      }
      case "-I": {
        if (iface !== null) return { ok: false, error: "-I given twice" };
        const v = argv[++i];
        if (v === undefined || !isInterfaceName(v)) return { ok: false, error: "-I needs an interface name" };
        iface = v;
        break;
      }
      case "-q":
        quiet = true;
        break;
      default:
        if (t.startsWith("-")) return { ok: false, error: `invalid option -- '${t.slice(1, 20)}'` };
        positional.push(t);
    }
  }
  if (count === null) return { ok: false, error: "-c count is required" };
  if (form === null) return { ok: false, error: "one of -A or -U is required" };
  if (iface === null) return { ok: false, error: "-I interface is required" };
  if (positional.length !== 1) return { ok: false, error: "exactly one destination address is required" };
  const vip = positional[0]!;
  if (!isIpv4(vip)) return { ok: false, error: `${JSON.stringify(vip.slice(0, 60))}: not an IPv4 address` };
  return { ok: true, args: { count, form, iface, vip, quiet, deadlineSeconds } };
}
