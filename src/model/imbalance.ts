// The contract's imbalance figure (DESIGN.md, `arp_imbalance_ratio`), extended to VIPs that a
// router sends to a down node or to a MAC no node owns: those must all move.

export interface Imbalance {
  /** VIPs that must change owner to spread the resolved VIPs evenly over the up nodes. */
  moves: number;
  /** moves / resolved; 0 when nothing is resolved or no node is up. */
  ratio: number;
}

/**
 * @param upNodeCounts VIPs the router maps to each up node.
 * @param resolved VIPs with a complete entry (on up nodes, down nodes or unknown MACs).
 */
export function imbalance(upNodeCounts: number[], resolved: number): Imbalance {
  const n = upNodeCounts.length;
  if (resolved <= 0 || n === 0) return { moves: 0, ratio: 0 };
  const hi = Math.ceil(resolved / n);
  const lo = Math.floor(resolved / n);
  let onUp = 0;
  let excess = 0;
  let deficit = 0;
  for (const c of upNodeCounts) {
    onUp += c;
    excess += Math.max(0, c - hi);
    deficit += Math.max(0, lo - c);
  }
  // Resolved VIPs that sit on no up node (down node, unknown MAC): every one has to move.
  const stranded = Math.max(0, resolved - onUp);
  const moves = Math.max(excess + stranded, deficit);
  return { moves, ratio: moves / resolved };
}
