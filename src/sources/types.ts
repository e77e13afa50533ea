// What every source adapter offers the collector. Each source enforces its own timeout and
// rejects with an Error whose message says what failed and what to check.
import type { CommandRunner, NodeInventory, RouterReading } from "../model/types.js";

export interface RouterSource {
  readonly name: string;
  /** Collector label, e.g. "snmp" or "ssh". */
  readonly kind: string;
  /** The router's complete ARP entries for these VIPs (absent VIPs are left out). */
  read(vips: string[]): Promise<RouterReading>;
  /** Rows skipped as malformed since the source was created (vip_arp_malformed_rows_total). */
  malformedRows?(): number;
  close(): Promise<void>;
}

export interface NodeSource {
  readonly name: string;
  /** The node's interface MAC and addresses. */
  read(): Promise<NodeInventory>;
  /** Runs commands on the node (remediation); null when the node is not reached over SSH. */
  readonly runner: CommandRunner | null;
  close(): Promise<void>;
}
