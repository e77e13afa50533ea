// Strict parser for the ndptool command lines the simulated nodes accept: what libndp 1.8's
// ndptool takes for sending a neighbour advertisement (`ndptool send -t na [-U] -i IF -T VIP`,
// options in any order, long forms too). No shell: the command is split on spaces. Errors use
// the real tool's words (libndp-tools 1.8, checked by hand), with its usage text where it
// prints it; the node adds `Interface "X" does not exist` for an interface it does not have.
import { isIpv6, normalizeIp } from "../model/net.js";

export interface NdptoolSend {
  iface: string;
  /** The target (-T), in normalizeIp form. */
  target: string;
  /** -U: unsolicited, with the override flag set. Without it the NA is solicited and moves no entry. */
  unsolicited: boolean;
}

export type NdptoolParse = { ok: true; args: NdptoolSend } | { ok: false; error: string; usage?: boolean };

export const NDPTOOL_USAGE = [
  "ndptool [options] command",
  "\t-h --help                Show this help",
  "\t-v --verbose             Increase output verbosity",
  "\t-t --msg-type=TYPE       Specify message type",
  '\t                         ("rs", "ra", "ns", "na")',
  "\t-D --dest=DEST           Dest address in IPv6 header for NS or NA",
  "\t-T --target=TARGET       Target address in ICMPv6 header for NS or NA",
  "\t-i --ifname=IFNAME       Specify interface name",
  "\t-U --unsolicited         Send Unsolicited NA",
  "Available commands:",
  "\tmonitor",
  "\tsend",
].join("\n");

const PATHS = new Set(["ndptool", "/usr/bin/ndptool", "/usr/sbin/ndptool", "/bin/ndptool", "/sbin/ndptool"]);
const WITH_VALUE: Record<string, "type" | "iface" | "target" | "dest"> = {
  "-t": "type", "--msg-type": "type", "-i": "iface", "--ifname": "iface", "-T": "target", "--target": "target", "-D": "dest", "--dest": "dest",
};

export function isNdptoolCommand(argv: string[]): boolean {
  return argv.length > 0 && PATHS.has(argv[0]!);
}

export function parseNdptoolArgs(argv: string[]): NdptoolParse {
  if (!isNdptoolCommand(argv)) return { ok: false, error: "not an ndptool command" };
  const values: Partial<Record<"type" | "iface" | "target" | "dest", string>> = {};
  let unsolicited = false;
  const commands: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const t = argv[i]!;
    const eq = t.startsWith("--") ? t.indexOf("=") : -1;
    const name = eq > 0 ? t.slice(0, eq) : t;
    const key = WITH_VALUE[name];
    if (key) {
      const v = eq > 0 ? t.slice(eq + 1) : argv[++i];
      if (v === undefined) return { ok: false, error: `ndptool: option requires an argument -- '${name.replace(/^-+/, "")}'\nunknown option.`, usage: true };
      // ndptool reads the target while it parses its options.
      if (key === "target" && !isIpv6(v)) return { ok: false, error: `Invalid target address "${v.slice(0, 60)}"` };
      values[key] = v;
    } else if (t === "-U" || t === "--unsolicited") {
      unsolicited = true;
    } else if (t === "-v" || t === "--verbose") {
      // more output on a real one; nothing to simulate
    } else if (t.startsWith("-")) {
      return { ok: false, error: `ndptool: invalid option -- '${t.replace(/^-+/, "").slice(0, 20)}'\nunknown option.`, usage: true };
    } else {
      commands.push(t);
    }
  }
  const command = commands[0];
  if (command === undefined) return { ok: false, error: "No command specified." };
  // Stricter than the real tool, which may ignore them: a stray word is a wrong command line.
  if (commands.length > 1) return { ok: false, error: `Unknown command "${commands.slice(1).join(" ").slice(0, 40)}"`, usage: true };
  if (command !== "send" && command !== "monitor") return { ok: false, error: `Unknown command "${command.slice(0, 40)}"`, usage: true };
  if (command === "monitor") return { ok: false, error: "ndptool monitor is not simulated (only send -t na)" };
  if (values.type === undefined) return { ok: false, error: "Message type must be selected", usage: true };
  if (!["rs", "ra", "ns", "na"].includes(values.type)) return { ok: false, error: `Invalid message type "${values.type.slice(0, 20)}" selected`, usage: true };
  if (values.type !== "na") return { ok: false, error: `ndptool send -t ${values.type} is not simulated (only na)` };
  if (values.iface === undefined) return { ok: false, error: "Interface name must be selected", usage: true };
  if (values.target === undefined) return { ok: false, error: "ndptool send -t na without -T is not simulated" };
  return { ok: true, args: { iface: values.iface, target: normalizeIp(values.target)!, unsolicited } };
}
