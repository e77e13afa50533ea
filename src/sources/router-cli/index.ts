// The platform table: which command each router platform runs and which parser reads it.
// Commands are fixed strings; an override from config is validated, never interpolated.
import type { RouterPlatform } from "../../config/types.js";
import { parseAristaEos } from "./arista-eos.js";
import { parseCiscoIos } from "./cisco-ios.js";
import { parseCiscoNxos } from "./cisco-nxos.js";
import { parseJunos } from "./junos.js";
import { parseLinux } from "./linux.js";
import type { CliParser } from "./types.js";

export type { CliArpEntry, CliParser, ParseError, ParseResult } from "./types.js";
export { parseAristaEos, parseCiscoIos, parseCiscoNxos, parseJunos, parseLinux };

export const PLATFORMS: Record<RouterPlatform, { command: string; parse: CliParser }> = {
  linux: { command: "ip -j neigh", parse: parseLinux },
  "cisco-ios": { command: "show ip arp", parse: parseCiscoIos },
  "arista-eos": { command: "show ip arp", parse: parseAristaEos },
  "cisco-nxos": { command: "show ip arp", parse: parseCiscoNxos },
  junos: { command: "show arp no-resolve", parse: parseJunos },
};

/** Characters a command override may contain (a pipe is allowed for device-side filters). */
export const COMMAND_PATTERN = /^[A-Za-z0-9 ._:/|-]+$/;
const MAX_COMMAND_LENGTH = 200;

/**
 * Why a command override is refused, or null when it is acceptable. On a linux router the
 * command runs in a POSIX shell, where a pipe starts another program: refused there.
 */
export function commandProblem(command: string, platform?: RouterPlatform): string | null {
  if (typeof command !== "string" || command.trim() === "") return "is empty";
  if (command.length > MAX_COMMAND_LENGTH) return `is longer than ${MAX_COMMAND_LENGTH} characters`;
  const bad = /[;&$`<>()\\'"\n\r]/.exec(command);
  if (bad) return `contains the shell metacharacter ${JSON.stringify(bad[0])}`;
  if (!COMMAND_PATTERN.test(command)) return "may contain only letters, digits, spaces and . _ : / | -";
  if (platform === "linux" && command.includes("|")) {
    return 'contains "|", which a linux router\'s shell runs as a pipe to another program; filter with ip itself (e.g. ip -j neigh show dev eth0)';
  }
  return null;
}
