// What every benchmark receives from the runner.
export interface BenchContext {
  /** Short run: fewer iterations and smaller sizes, for a smoke check. */
  quick: boolean;
}
