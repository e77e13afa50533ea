// The series count formula of docs/metrics.md ("Series count"), computed from a collection, so
// the bench can check the exporter against the documentation.
import type { Collection } from "../../src/collect/types.js";
import type { Config } from "../../src/config/types.js";

export interface SeriesFormula {
  /** The exporter's own series. */
  ours: number;
  /** ours + prom-client's default process and Node.js series (`defaults`). */
  total: number;
}

/**
 * R routers read, Rc configured, V VIPs, N configured nodes, E complete ARP entries over the
 * routers read, H (node, VIP) pairs held by up nodes, S sources, G GARP pairs counted so far:
 *   R*V + Rc*V + 2E + R*N + 2R + N + H + V + 2S + G + 4
 */
export function formulaSeries(config: Config, c: Collection, defaults: number, garpPairs = 0): SeriesFormula {
  const read = c.analysis.routers.filter((r) => r.ok);
  const R = read.length;
  const V = config.vips.length;
  const N = config.nodes.length;
  const E = read.reduce((n, r) => n + r.vips.filter((v) => v.present && v.mac).length, 0);
  const H = c.analysis.nodes.reduce((n, node) => n + (node.up ? node.holds.length : 0), 0);
  const S = c.sources.length;
  const ours = R * V + config.routers.length * V + 2 * E + R * N + 2 * R + N + H + V + 2 * S + garpPairs + 4;
  return { ours, total: ours + defaults };
}
