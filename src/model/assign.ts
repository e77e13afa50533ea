// Chooses an owner for every free VIP with one lexicographic objective:
//   1. the most even per-node load (pinned VIPs included): the k-th VIP on a node costs
//      2k-1, so the total is the sum of squared loads. On the load vectors reachable by a
//      bipartite assignment (an M-convex set) the square-sum minimiser is the decreasingly
//      minimal, least-majorised vector: smallest max load, and the smallest contract
//      imbalance ratio, since both its terms are symmetric convex functions of the loads;
//   2. then the fewest moves (target != current owner);
//   3. then each VIP's candidate preference (rendezvous order), so ties resolve stably.
// Weights keep the three levels apart: W2 exceeds any level-3 total and W1 any level-2+3 total.
// The network is solved by minCostPlacement (mincostflow.ts), which gives exactly the flow a
// general successive-shortest-path solver gives on it, ties included.
import { minCostPlacement, type PlacementNetwork } from "./mincostflow.js";

export interface FreeVip {
  vip: string;
  /** Nodes allowed to own it, most preferred first. */
  candidates: string[];
  /** The node every router sends it to now, if they agree. */
  owner: string | null;
}

export interface NodeLoad {
  name: string;
  /** VIPs already fixed on the node (pinned). */
  base: number;
}

/**
 * Returns VIP -> chosen node. Inputs must come in a canonical order (VIPs by address, nodes by
 * name): the result is then independent of the order the caller first saw them in.
 */
export function assign(vips: FreeVip[], nodes: NodeLoad[]): Map<string, string> {
  const result = new Map<string, string>();
  if (vips.length === 0) return result;
  const at = minCostPlacement(placementNetwork(vips, nodes));
  vips.forEach((v, i) => {
    if (at[i]! >= 0) result.set(v.vip, nodes[at[i]!]!.name);
  });
  return result;
}

/** The weights of the three levels for f free VIPs; safe: every path cost stays exact in a double. */
export function levelWeights(f: number, maxRank: number, maxBase: number, vertices: number) {
  const w2 = f * maxRank + 1;
  const w1 = w2 * (f + 1);
  const maxUnit = w1 * (2 * (maxBase + f) - 1) + w2 + maxRank;
  return { w1, w2, rank: maxRank, safe: maxUnit * vertices * 2 <= Number.MAX_SAFE_INTEGER };
}

/** The objective as a network for minCostPlacement (VIPs and nodes in the order given). */
export function placementNetwork(vips: FreeVip[], nodes: NodeLoad[]): PlacementNetwork {
  const nodeIdx = new Map(nodes.map((n, i) => [n.name, i]));
  const f = vips.length;
  const maxRank = Math.max(0, ...vips.map((v) => v.candidates.length - 1));
  const maxBase = Math.max(0, ...nodes.map((n) => n.base));
  const vertices = f + nodes.length + 2;
  // Preference is the least important level: drop it before risking inexact arithmetic.
  let w = levelWeights(f, maxRank, maxBase, vertices);
  if (!w.safe) w = levelWeights(f, 0, maxBase, vertices);
  if (!w.safe) throw new RangeError(`planner: ${f} VIPs over ${nodes.length} nodes is too large to plan`);

  // VIP -> candidate edges; a repeated candidate adds nothing (its first edge is the cheaper).
  const start = new Int32Array(f + 1);
  const node = new Int32Array(vips.reduce((s, v) => s + v.candidates.length, 0));
  const cost = new Float64Array(node.length);
  const listed = new Int32Array(nodes.length).fill(-1);
  let e = 0;
  vips.forEach((v, i) => {
    v.candidates.forEach((name, rank) => {
      const j = nodeIdx.get(name);
      if (j === undefined || listed[j] === i) return;
      listed[j] = i;
      node[e] = j;
      cost[e++] = (name === v.owner ? 0 : w.w2) + (w.rank > 0 ? rank : 0);
    });
    start[i + 1] = e;
  });
  return {
    start,
    node: node.subarray(0, e),
    cost: cost.subarray(0, e),
    // The (base+k)-th VIP on a node costs 2(base+k)-1: marginal of the squared load.
    first: Float64Array.from(nodes, (n) => w.w1 * (2 * n.base + 1)),
    slope: new Float64Array(nodes.length).fill(2 * w.w1),
  };
}
