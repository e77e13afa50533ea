// Min-cost flow on the planner's network, searched over the nodes alone.
//
// The network: source -> each VIP (1 unit, cost 0) -> each of its candidate nodes (cost[e]) ->
// sink, where the k-th unit on node j costs first[j] + slope[j] * (k - 1) (convex). It is solved
// by successive shortest paths with potentials, one VIP per augmentation, the way a general
// solver on that network does it (vertices numbered source, VIPs, nodes, sink; Dijkstra on
// reduced costs popping the least (distance, vertex); a vertex keeps the first predecessor that
// reaches its final distance; stop once the sink is settled; potentials += min(distance, sink's)):
// the same paths in the same order, so the same flow, tie for tie. The general solver scans every
// VIP -> node edge for each VIP it places, 2 s at 1000 VIPs x 100 nodes. The VIPs need no search:
//   - an unplaced VIP is reached only from the source, at distance 0; its potential stays 0;
//   - a placed VIP is reached only from its node a, along the reverse of its edge. That edge's
//     reduced cost is 0 after the augmentation that placed it (both ends on the shortest path) and
//     stays 0 (both ends get the same potential update), so the VIP settles right after a, at a's
//     distance, and its potential is pot[a] - cost(i, a).
// Numbered before the nodes, the unplaced VIPs settle first in VIP order, and a node's VIPs right
// after it in VIP order. VIP i on node a offers node b d(a) + pot[a] + cost(i,b) - cost(i,a) - pot[b],
// so a's best offer to each b is one row (offers.ts), rebuilt only when an augmentation changed
// a's VIPs; the unplaced VIPs offer b its cheapest cost(i,b), from a list per node sorted once.
// A node whose distance is at most the one being settled is closed: no later offer undercuts it
// (reduced costs are non-negative), so dense rows are read only at the nodes still open.
// Arithmetic is exact: costs are integers and the caller keeps every path cost below 2^53.
import { NodeHeap } from "./nodeheap.js";
import { Offers, type RowLayout } from "./offers.js";

export interface PlacementNetwork {
  /** Candidates of VIP i are the edges start[i] .. start[i+1]-1, distinct nodes. */
  start: Int32Array;
  /** Per edge: the candidate node. */
  node: Int32Array;
  /** Per edge: cost of placing the VIP on that node, a non-negative integer. */
  cost: Float64Array;
  /** Per node: cost of its first unit. */
  first: Float64Array;
  /** Per node: how much each further unit costs more than the one before. */
  slope: Float64Array;
}

/** Per VIP, the node it is placed on (-1: none of its candidates can take it). */
export function minCostPlacement(net: PlacementNetwork, layout: RowLayout = "auto"): Int32Array {
  const { start, node, cost, first, slope } = net;
  const V = start.length - 1, N = first.length, E = node.length;
  const edgeVip = new Int32Array(E);
  const degree = new Int32Array(N);
  for (let i = 0; i < V; i++) {
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      edgeVip[e] = i;
      degree[node[e]!]!++;
    }
  }
  const { uStart, uVip, uCost } = unplacedByCost(net, edgeVip, degree);
  const uNext = uStart.slice(0, N);

  const at = new Int32Array(V).fill(-1);
  const atCost = new Float64Array(V);
  const load = new Int32Array(N);
  const pot = new Float64Array(N);
  let potSink = 0;
  const members: number[][] = Array.from({ length: N }, () => []);
  const slot = new Int32Array(V);
  const offers = new Offers(start, node, cost, edgeVip, N, layout);
  const stale = new Uint8Array(N);

  const dist = new Float64Array(N);
  const viaVip = new Int32Array(N);
  const viaCost = new Float64Array(N);
  const settled = new Uint8Array(N);
  const open = new Int32Array(N);
  const heap = new NodeHeap();
  for (let placed = 0; placed < V; placed++) {
    dist.fill(Number.POSITIVE_INFINITY);
    settled.fill(0);
    heap.clear();
    let opened = 0;
    let distSink = Number.POSITIVE_INFINITY, viaSink = -1;
    // The unplaced VIPs settle first, at distance 0, and offer each node their cheapest edge.
    for (let b = 0; b < N; b++) {
      if (degree[b] === 0) continue;
      open[opened++] = b;
      let p = uNext[b]!;
      const end = uStart[b + 1]!;
      while (p < end && at[uVip[p]!]! >= 0) p++;
      uNext[b] = p;
      if (p === end) continue;
      dist[b] = uCost[p]! - pot[b]!;
      viaVip[b] = uVip[p]!;
      viaCost[b] = uCost[p]!;
      heap.push(dist[b]!, b);
    }
    while (heap.size > 0) {
      const a = heap.pop();
      if (a === N) break; // the sink (numbered last) is settled
      if (settled[a]) continue;
      settled[a] = 1;
      const d = dist[a]!;
      if (load[a]! < degree[a]!) {
        const nd = d + first[a]! + slope[a]! * load[a]! + pot[a]! - potSink;
        if (nd < distSink) {
          distSink = nd;
          viaSink = a;
          heap.push(nd, N);
        }
      }
      if (stale[a]) {
        offers.build(a, members[a]!, atCost);
        stale[a] = 0;
      }
      const { dense, len, to, val, edge } = offers.rows[a]!;
      const base = d + pot[a]!;
      if (dense) {
        // Read at the open nodes only, closing those settled or reached at distance <= d.
        for (let k = 0; k < opened; ) {
          const b = open[k]!, was = dist[b]!;
          if (was <= d) {
            open[k] = open[--opened]!;
            continue;
          }
          k++;
          const nd = base + val[b]! - pot[b]!;
          if (nd < was) {
            dist[b] = nd;
            viaVip[b] = edgeVip[edge[b]!]!;
            viaCost[b] = cost[edge[b]!]!;
            heap.push(nd, b);
          }
        }
      } else {
        // Settled nodes need no check: their distance is <= d, and offers are >= d.
        for (let k = 0; k < len; k++) {
          const b = to[k]!;
          const nd = base + val[k]! - pot[b]!;
          if (nd < dist[b]!) {
            dist[b] = nd;
            viaVip[b] = edgeVip[edge[k]!]!;
            viaCost[b] = cost[edge[k]!]!;
            heap.push(nd, b);
          }
        }
      }
    }
    if (viaSink < 0) break; // no unplaced VIP can go anywhere

    for (let j = 0; j < N; j++) pot[j]! += Math.min(dist[j]!, distSink);
    potSink += distSink;
    // Walk back from the sink: each VIP on the path moves to the node after it.
    load[viaSink]!++;
    for (let b = viaSink; ; ) {
      const i = viaVip[b]!, from = at[i]!;
      if (from >= 0) {
        const list = members[from]!, last = list.pop()!;
        if (last !== i) {
          list[slot[i]!] = last;
          slot[last] = slot[i]!;
        }
        stale[from] = 1;
      }
      at[i] = b;
      atCost[i] = viaCost[b]!;
      slot[i] = members[b]!.push(i) - 1;
      stale[b] = 1;
      if (from < 0) break;
      b = from;
    }
  }
  return at;
}

/**
 * Per node b, the VIPs that list it, cheapest edge first and the lowest VIP on ties: the order
 * in which unplaced VIPs reach b. Sorted once as keys cost * VIPs + vip, exact below 2^53.
 */
function unplacedByCost(net: PlacementNetwork, edgeVip: Int32Array, degree: Int32Array) {
  const { node, cost } = net;
  const V = net.start.length - 1, N = degree.length, E = node.length;
  const uStart = new Int32Array(N + 1);
  for (let j = 0; j < N; j++) uStart[j + 1] = uStart[j]! + degree[j]!;
  const keys = new Float64Array(E);
  const fill = uStart.slice(0, N);
  for (let e = 0; e < E; e++) {
    const key = cost[e]! * V + edgeVip[e]!;
    if (!(key <= Number.MAX_SAFE_INTEGER)) throw new RangeError("minCostPlacement: edge costs are too large for exact arithmetic");
    keys[fill[node[e]!]!++] = key;
  }
  for (let j = 0; j < N; j++) keys.subarray(uStart[j]!, uStart[j + 1]!).sort();
  const uVip = new Int32Array(E);
  const uCost = new Float64Array(E);
  for (let p = 0; p < E; p++) {
    const i = keys[p]! % V;
    uVip[p] = i;
    uCost[p] = (keys[p]! - i) / V;
  }
  return { uStart, uVip, uCost };
}
