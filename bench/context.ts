// What every benchmark receives from the runner.
export interface BenchContext {
  /** Short run: fewer iterations and smaller sizes, for a smoke check. */
  quick: boolean;
  /** Scrapes of the memory benchmark (default 2000, quick 300). */
  scrapes?: number;
}
