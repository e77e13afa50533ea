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
}

export interface Collection {
  observation: Observation;
  analysis: Analysis;
  sources: SourceResult[];
  /** When this round finished. */
  at: Date;
}

export interface Collector {
  /**
   * One full round (routers and nodes, in parallel). Concurrent callers share one round;
   * with fresh, a round already in flight is waited out and a new one started (after a change).
   */
  collect(opts?: { fresh?: boolean }): Promise<Collection>;
  /** Re-reads only the routers (verification after GARPs). */
  readRouters(): Promise<ObservedRouter[]>;
  /** SSH command runner of a node, null when the node is not reached over SSH. */
  runner(node: string): CommandRunner | null;
  close(): Promise<void>;
}
