// Fixture loading shared by the router CLI tests. A fixture may open with "#|" lines that
// say where its format comes from; they are not device output and are stripped here.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { CliArpEntry, CliParser } from "../../src/sources/router-cli/index.js";

const DIR = fileURLToPath(new URL("../fixtures/router-cli/", import.meta.url));

export function fixture(name: string): string {
  const text = readFileSync(DIR + name, "utf8");
  return text.replace(/^(#\|[^\n]*\n)+/, "");
}

/** The MACs of the three infra nodes of the DESIGN example, as the fixtures use them. */
export const N1 = "00:1a:4a:48:be:4b";
export const N2 = "00:1a:4a:48:be:ef";
export const N3 = "00:1a:4a:48:be:4c";

/** An expected entry, without undefined keys (so expectations compare exactly). */
export function e(ip: string, mac: string, isStatic: boolean, iface?: string, vrf?: string): CliArpEntry {
  const out: CliArpEntry = { ip, mac, static: isStatic };
  if (iface !== undefined) out.interface = iface;
  if (vrf !== undefined) out.vrf = vrf;
  return out;
}

export interface FixtureCase {
  file: string;
  parse: CliParser;
  entries: CliArpEntry[];
  /** Addresses the fixture shows without a complete entry (must not be returned). */
  absent: string[];
}

/** The fixture parses to exactly its entries, and every address it shows is accounted for. */
export function expectFixture(c: FixtureCase): void {
  const text = fixture(c.file);
  const result = c.parse(text);
  expect(result.errors).toEqual([]);
  expect(result.entries).toStrictEqual(c.entries);
  // Pager remnants, ANSI moves and backspaces count as space.
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\x1b\[[0-9;]*[A-Za-z]|\x08/g, " ");
  const shown = new Set(
    [...visible.matchAll(/"dst":\s*"([^"]+)"|(?:^|[\s=])(\d+\.\d+\.\d+\.\d+|[0-9a-f]*::[0-9a-f:]*)(?=\s)/gim)].map((m) => m[1] ?? m[2]!),
  );
  const accounted = new Set([...c.entries.map((x) => x.ip), ...c.absent]);
  expect([...shown].sort()).toEqual([...accounted].sort());
  for (const ip of c.absent) expect(result.entries.some((x) => x.ip === ip)).toBe(false);
}
