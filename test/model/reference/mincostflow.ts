// THE REFERENCE MIN-COST FLOW: src/model/mincostflow.ts as it was before the node-level solver
// (commit 69480c0), unchanged. Used only by the reference planner solver (./assign.ts).
// Min-cost flow by successive shortest paths (Dijkstra with potentials), one unit per
// augmentation. Edges may have convex cost: the k-th unit through an edge costs
// cost + slope * (k - 1), which is how the planner charges more for each extra VIP on a node.
// Deterministic: ties go to the vertex and edge added first.

export class MinCostFlow {
  private readonly adj: number[][];
  /** Per half-edge (2i forward, 2i+1 reverse): head vertex. */
  private readonly head: number[] = [];
  /** Per edge i. */
  private readonly cap: number[] = [];
  private readonly flw: number[] = [];
  private readonly cost: number[] = [];
  private readonly slope: number[] = [];
  private readonly pot: number[];

  constructor(readonly size: number) {
    this.adj = Array.from({ length: size }, () => []);
    this.pot = new Array<number>(size).fill(0);
  }

  /** Adds an edge and returns its id. Costs and slopes must be non-negative integers. */
  addEdge(from: number, to: number, cap: number, cost: number, slope = 0): number {
    if (cost < 0 || slope < 0) throw new RangeError("MinCostFlow: costs and slopes must be non-negative");
    const id = this.cap.length;
    this.cap.push(cap);
    this.flw.push(0);
    this.cost.push(cost);
    this.slope.push(slope);
    this.head.push(to, from);
    this.adj[from]!.push(2 * id);
    this.adj[to]!.push(2 * id + 1);
    return id;
  }

  /** Units currently flowing through edge id. */
  flow(id: number): number {
    return this.flw[id]!;
  }

  private residual(h: number): number {
    const i = h >> 1;
    return h & 1 ? this.flw[i]! : this.cap[i]! - this.flw[i]!;
  }

  /** Cost of pushing one more unit along half-edge h (undoing the last unit when reverse). */
  private unitCost(h: number): number {
    const i = h >> 1;
    const f = this.flw[i]!;
    return h & 1 ? -(this.cost[i]! + this.slope[i]! * (f - 1)) : this.cost[i]! + this.slope[i]! * f;
  }

  /** Sends up to maxFlow units from s to t at minimum cost; returns the flow and its cost. */
  run(s: number, t: number, maxFlow = Number.POSITIVE_INFINITY): { flow: number; cost: number } {
    if (s === t) throw new RangeError("MinCostFlow: source and sink must differ");
    let flow = 0;
    let total = 0;
    while (flow < maxFlow) {
      const prev = this.shortestPaths(s, t);
      if (prev[t] === -1) break;
      for (let v = t; v !== s; ) {
        const h = prev[v]!;
        total += this.unitCost(h);
        this.flw[h >> 1]! += h & 1 ? -1 : 1;
        v = this.head[h ^ 1]!;
      }
      flow++;
    }
    return { flow, cost: total };
  }

  /**
   * Dijkstra on reduced costs, stopping once t is settled; updates the potentials and returns
   * the predecessor half-edges. Capping every distance at t's keeps reduced costs non-negative.
   */
  private shortestPaths(s: number, t: number): Int32Array {
    const n = this.size;
    const dist = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
    const prev = new Int32Array(n).fill(-1);
    const heap = new Heap();
    dist[s] = 0;
    heap.push(0, s);
    while (heap.size > 0) {
      const [d, u] = heap.pop();
      if (d > dist[u]!) continue;
      if (u === t) break;
      for (const h of this.adj[u]!) {
        if (this.residual(h) <= 0) continue;
        const v = this.head[h]!;
        const nd = d + this.unitCost(h) + this.pot[u]! - this.pot[v]!;
        if (nd < dist[v]!) {
          dist[v] = nd;
          prev[v] = h;
          heap.push(nd, v);
        }
      }
    }
    const cap = dist[t]!;
    if (cap < Number.POSITIVE_INFINITY) for (let v = 0; v < n; v++) this.pot[v]! += Math.min(dist[v]!, cap);
    return prev;
  }
}

/** Binary min-heap of (key, vertex), ties by vertex so the search order is deterministic. */
class Heap {
  private readonly keys: number[] = [];
  private readonly vals: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  private less(i: number, j: number): boolean {
    const a = this.keys[i]!, b = this.keys[j]!;
    return a < b || (a === b && this.vals[i]! < this.vals[j]!);
  }

  private swap(i: number, j: number): void {
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
    [this.vals[i], this.vals[j]] = [this.vals[j]!, this.vals[i]!];
  }

  push(key: number, val: number): void {
    this.keys.push(key);
    this.vals.push(val);
    for (let i = this.keys.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.keys[0]!, this.vals[0]!];
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.vals.pop();
    for (let i = 0; ; ) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < last && this.less(l, m)) m = l;
      if (r < last && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
