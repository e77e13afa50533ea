// What moving one of a node's VIPs offers each other node: for node a and every other node b,
// the least cost(i,b) - cost(i,a) over the VIPs i now on a, the lowest VIP on ties (the one the
// general solver reaches first), and that VIP's edge to b. The placement search (mincostflow.ts)
// relaxes a node's row instead of every edge of its VIPs.
// A row that covers over an eighth of the nodes is kept dense, indexed by node, so the search
// reads only the entries of the nodes it has not closed yet; a shorter row is a list. So dense
// rows take at most 8 entries per VIP -> node edge.

export interface Row {
  dense: boolean;
  /** Sparse: entries 0..len-1 of to, val, edge. Dense: val[b] and edge[b] for node b (val Infinity: no offer). */
  len: number;
  to: Int32Array;
  val: Float64Array;
  edge: Int32Array;
}

/** "auto" picks per row by its size; tests force either layout, which give the same answers. */
export type RowLayout = "auto" | "dense" | "sparse";

const NONE = Number.POSITIVE_INFINITY;

export class Offers {
  readonly rows: Row[];
  private readonly best: Float64Array;
  private readonly bestEdge: Int32Array;
  private readonly touched: Int32Array;

  constructor(
    private readonly start: Int32Array,
    private readonly node: Int32Array,
    private readonly cost: Float64Array,
    private readonly edgeVip: Int32Array,
    private readonly nodes: number,
    private readonly layout: RowLayout,
  ) {
    const empty = (): Row => ({ dense: false, len: 0, to: new Int32Array(0), val: new Float64Array(0), edge: new Int32Array(0) });
    this.rows = Array.from({ length: nodes }, empty);
    this.best = new Float64Array(nodes).fill(NONE);
    this.bestEdge = new Int32Array(nodes);
    this.touched = new Int32Array(nodes);
  }

  /** Rebuilds node a's row from the VIPs on it now and what their edges cost. */
  build(a: number, members: readonly number[], atCost: Float64Array): void {
    const { start, node, cost, edgeVip, best, bestEdge, touched, nodes: N } = this;
    let n = 0;
    for (let m = 0; m < members.length; m++) {
      const i = members[m]!, here = atCost[i]!, end = start[i + 1]!;
      for (let e = start[i]!; e < end; e++) {
        const b = node[e]!;
        if (b === a) continue; // the VIP's own edge, the one in use
        const v = cost[e]! - here;
        const was = best[b]!;
        if (v < was || (v === was && i < edgeVip[bestEdge[b]!]!)) {
          if (was === NONE) touched[n++] = b;
          best[b] = v;
          bestEdge[b] = e;
        }
      }
    }
    const dense = this.layout === "dense" || (this.layout === "auto" && 8 * n > N);
    let row = this.rows[a]!;
    if (dense) {
      if (!row.dense) row = this.rows[a] = { dense: true, len: N, to: new Int32Array(0), val: new Float64Array(N), edge: new Int32Array(N) };
      row.val.fill(NONE);
      for (let k = 0; k < n; k++) {
        const b = touched[k]!;
        row.val[b] = best[b]!;
        row.edge[b] = bestEdge[b]!;
        best[b] = NONE;
      }
      return;
    }
    if (row.dense || row.to.length < n) {
      const size = Math.min(N, 2 * n);
      row = this.rows[a] = { dense: false, len: 0, to: new Int32Array(size), val: new Float64Array(size), edge: new Int32Array(size) };
    }
    for (let k = 0; k < n; k++) {
      const b = touched[k]!;
      row.to[k] = b;
      row.val[k] = best[b]!;
      row.edge[k] = bestEdge[b]!;
      best[b] = NONE;
    }
    row.len = n;
  }
}
