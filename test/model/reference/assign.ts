// THE REFERENCE PLANNER SOLVER: src/model/assign.ts as it was before the node-level solver
// (commit 69480c0), unchanged but for its name: the network of VIP -> node edges solved by the
// general successive-shortest-path MinCostFlow next to it. The planner must give exactly its
// answer, tie for tie (test/model/plan.solver.property.test.ts); it is itself checked against
// brute force (test/model/reference-mincostflow.test.ts, plan.property.test.ts before the switch).
import type { FreeVip, NodeLoad } from "../../../src/model/assign.js";
import { MinCostFlow } from "./mincostflow.js";

/**
 * Returns VIP -> chosen node. Inputs must come in a canonical order (VIPs by address, nodes by
 * name): the result is then independent of the order the caller first saw them in.
 */
export function referenceAssign(vips: FreeVip[], nodes: NodeLoad[]): Map<string, string> {
  const result = new Map<string, string>();
  if (vips.length === 0) return result;
  const nodeIdx = new Map(nodes.map((n, i) => [n.name, i]));
  const f = vips.length;
  const maxRank = Math.max(0, ...vips.map((v) => v.candidates.length - 1));
  const maxBase = Math.max(0, ...nodes.map((n) => n.base));
  const vertices = f + nodes.length + 2;
  const weights = (rank: number) => {
    const w2 = f * rank + 1;
    const w1 = w2 * (f + 1);
    const maxUnit = w1 * (2 * (maxBase + f) - 1) + w2 + rank;
    return { w1, w2, rank, safe: maxUnit * vertices * 2 <= Number.MAX_SAFE_INTEGER };
  };
  // Preference is the least important level: drop it before risking inexact arithmetic.
  let w = weights(maxRank);
  if (!w.safe) w = weights(0);
  if (!w.safe) throw new RangeError(`planner: ${f} VIPs over ${nodes.length} nodes is too large to plan`);

  const S = 0, T = vertices - 1;
  const mcf = new MinCostFlow(vertices);
  const degree = new Array<number>(nodes.length).fill(0);
  const edges: { vip: string; node: string; id: number }[] = [];
  vips.forEach((v, i) => {
    mcf.addEdge(S, 1 + i, 1, 0);
    v.candidates.forEach((node, rank) => {
      const j = nodeIdx.get(node);
      if (j === undefined) return;
      degree[j]!++;
      const cost = (node === v.owner ? 0 : w.w2) + (w.rank > 0 ? rank : 0);
      edges.push({ vip: v.vip, node, id: mcf.addEdge(1 + i, 1 + f + j, 1, cost) });
    });
  });
  nodes.forEach((n, j) => {
    // The (base+k)-th VIP on the node costs 2(base+k)-1: marginal of the squared load.
    if (degree[j]! > 0) mcf.addEdge(1 + f + j, T, degree[j]!, w.w1 * (2 * n.base + 1), 2 * w.w1);
  });
  mcf.run(S, T, f);
  for (const e of edges) if (mcf.flow(e.id) > 0) result.set(e.vip, e.node);
  return result;
}
