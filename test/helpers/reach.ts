// Counts how often a property reaches each of its guarded assertions. A generator that never
// produces the interesting case would otherwise pass vacuously; with `reached()` after
// fc.assert the test fails instead, naming the branch nobody reached.
import { expect } from "vitest";

export interface Reach<K extends string> {
  /** Marks one run through the branch `label`. */
  hit(label: K): void;
  /** How often `label` was hit. */
  count(label: K): number;
  /** Fails unless every label was hit at least `min` times. Call after fc.assert. */
  reached(min?: number): void;
}

export function reach<K extends string>(...labels: K[]): Reach<K> {
  const counts = new Map<K, number>(labels.map((l) => [l, 0]));
  return {
    hit(label) {
      counts.set(label, (counts.get(label) ?? 0) + 1);
    },
    count: (label) => counts.get(label) ?? 0,
    reached(min = 1) {
      const short = [...counts].filter(([, n]) => n < min).map(([l, n]) => `${l}: ${n} of at least ${min}`);
      expect(short, "branches the generators did not reach").toEqual([]);
    },
  };
}
