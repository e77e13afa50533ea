// Binary min-heap of (distance, node) for the placement search. Ties pop the lower node first:
// that is the order of the general solver the placement reproduces (see mincostflow.ts).
// Typed arrays and no allocation per entry: a search pushes and pops thousands of entries.

export class NodeHeap {
  private keys = new Float64Array(64);
  private vals = new Int32Array(64);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  push(key: number, val: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(2 * this.size), vals = new Int32Array(2 * this.size);
      keys.set(this.keys);
      vals.set(this.vals);
      this.keys = keys;
      this.vals = vals;
    }
    const { keys, vals } = this;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = keys[p]!;
      if (pk < key || (pk === key && vals[p]! < val)) break;
      keys[i] = pk;
      vals[i] = vals[p]!;
      i = p;
    }
    keys[i] = key;
    vals[i] = val;
  }

  /** Removes the least entry and returns its node. The heap must not be empty. */
  pop(): number {
    const { keys, vals } = this;
    const top = vals[0]!;
    const n = --this.size;
    const key = keys[n]!, val = vals[n]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && (keys[r]! < keys[l]! || (keys[r] === keys[l] && vals[r]! < vals[l]!)) ? r : l;
      if (key < keys[m]! || (key === keys[m] && val < vals[m]!)) break;
      keys[i] = keys[m]!;
      vals[i] = vals[m]!;
      i = m;
    }
    keys[i] = key;
    vals[i] = val;
    return top;
  }
}
