// Cisco IOS / IOS-XE `show ip arp`:
//   Protocol  Address          Age (min)  Hardware Addr   Type   Interface
//   Internet  192.0.2.101             4   001a.4a48.be4b  ARPA   GigabitEthernet0/0
//   Internet  192.0.2.254             -   0050.56a1.0001  ARPA   GigabitEthernet0/0
//   Internet  192.0.2.77              0   Incomplete      ARPA
// Age "-" marks the router's own addresses and configured (static) entries.
import { isIpv4 } from "../../model/net.js";
import { entry, isAge, looksIpv4, readMac } from "./common.js";
import { parseTable, type RowOutcome } from "./table.js";
import type { ParseResult } from "./types.js";

const COLUMNS = "Protocol Address Age Hardware-Addr Type [Interface]";

function isIosRow(toks: string[]): boolean {
  const [first, second] = toks;
  if (first === undefined) return false;
  if (/^Internet$/i.test(first)) return true;
  return looksIpv4(first) || (second !== undefined && looksIpv4(second));
}

function parseRow(toks: string[], vrf: string | undefined): RowOutcome {
  const [proto, ip, age, macText, type, iface] = toks;
  if (proto !== "Internet") return { error: `expected a row starting with "Internet" (${COLUMNS})` };
  if (toks.length < 5 || toks.length > 6) return { error: `expected 5 or 6 columns (${COLUMNS}), found ${toks.length}` };
  if (!isIpv4(ip!)) return { error: `invalid IPv4 address "${ip}"` };
  if (!isAge(age!)) return { error: `invalid age "${age}"` };
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(type!)) return { error: `invalid encapsulation type "${type}"` };
  const mac = readMac(macText);
  if (mac.kind === "incomplete") return null;
  if (mac.kind === "invalid") return { error: `invalid hardware address "${macText}"` };
  return entry(ip!, mac.mac, age === "-", iface, vrf);
}

export function parseCiscoIos(output: string): ParseResult {
  return parseTable(output, parseRow, isIosRow);
}
