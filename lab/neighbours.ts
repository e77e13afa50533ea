// Big kernel neighbour tables for the lab router, as core routers carry: N permanent entries
// for addresses in 198.18.0.0/15 (RFC 2544's benchmarking range), added with `ip -batch`.
// Permanent entries are never probed, so no packet is ever sent to those addresses.
import { writeFileSync } from "node:fs";

export const BULK_NEIGH_NET = "198.18.0.0/15";
/** 198.18.0.0/15 minus network and broadcast addresses. */
export const MAX_BULK_NEIGHBOURS = 2 ** 17 - 2;
const BASE = (198 << 24) | (18 << 16);

/** The i-th bulk address (0-based): 198.18.0.1, 198.18.0.2, ... */
export function bulkAddress(i: number): string {
  if (!Number.isInteger(i) || i < 0 || i >= MAX_BULK_NEIGHBOURS) throw new Error(`bulk neighbour index ${i} is outside 0..${MAX_BULK_NEIGHBOURS - 1}`);
  const n = (BASE + i + 1) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** A locally administered MAC per index (02:be:00:xx:xx:xx): no lab host uses 02:be. */
export function bulkMac(i: number): string {
  const hex = (i + 1).toString(16).padStart(6, "0");
  return `02:be:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

/** `ip -batch` lines adding entries from..to-1 on dev. */
export function bulkNeighbourBatch(from: number, to: number, dev = "eth0"): string {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > MAX_BULK_NEIGHBOURS) {
    throw new Error(`bulk neighbours ${from}..${to} must satisfy 0 <= from <= to <= ${MAX_BULK_NEIGHBOURS}`);
  }
  const lines: string[] = [];
  for (let i = from; i < to; i++) lines.push(`neigh add ${bulkAddress(i)} lladdr ${bulkMac(i)} dev ${dev} nud permanent`);
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/** Number of entries of `ip -j neigh` output whose address is a bulk one. */
export function countBulkNeighbours(json: string): number {
  const entries = JSON.parse(json.trim() || "[]") as { dst?: string }[];
  return entries.filter((e) => typeof e.dst === "string" && isBulk(e.dst)).length;
}

function isBulk(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number);
  return a === 198 && (b === 18 || b === 19);
}

export function writeBatchFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
}
