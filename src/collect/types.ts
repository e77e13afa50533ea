// The collector reads every source once per round and joins the result into an Observation.
import type { Analysis, CommandRunner, Observation, ObservedRouter } from "../model/types.js";

export interface SourceResult {
  /** "snmp", "ssh", "node" ... (metric label `collector`). */
  collector: string;
  /** Router or node name (metric label `target`). */
  target: string;
  success: boolean;
  durationSeconds: number;
  error?: string;
  /** Rows the source skipped as malformed since it was created (routers that count them). */
  malformedRows?: number;
}

export interface Collection {
  observation: Observation;
  analysis: Analysis;
  sources: SourceResult[];
  /** When this round finished (or, for a partial collection, when its deadline passed). */
  at: Date;
  /** A deadline passed before every source answered: the late ones count as failed here. */
  partial?: true;
}

export interface CollectOptions {
  /** Wait out a round in flight and start a new one (after a change). */
  fresh?: boolean;
  /**
   * Answer within this many ms (a scrape's deadline): sources still running then count as
   * failed in this caller's collection; the round goes on and its full result is shared.
   */
  budgetMs?: number;
}

export interface Collector {
  /**
   * One full round (routers and nodes, in parallel). Concurrent callers share one round;
   * with fresh, a round already in flight is waited out and a new one started (after a change).
   */
  collect(opts?: CollectOptions): Promise<Collection>;
  /** Re-reads only the routers (verification after GARPs). */
  readRouters(): Promise<ObservedRouter[]>;
  /** SSH command runner of a node, null when the node is not reached over SSH. */
  runner(node: string): CommandRunner | null;
  /** Resolves when no round is in flight (a reload waits for it before closing retired sources). */
  drain(): Promise<void>;
  /** Drains, then closes every source. */
  close(): Promise<void>;
}
