// Audit trail of remediation runs: one JSON line per run, appended to
// remediation.audit_log_file when set, else written to the log at info. It records who
// asked and what happened; it never contains the token or any request header. The last
// records also stay in memory for the status page.
import { appendFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import type { RemediationMode } from "../config/types.js";
import type { Logger } from "../log.js";
import type { Distrust, Plan } from "../model/types.js";
import type { RemediationReport, Trigger } from "./report.js";

export interface AuditRecord {
  time: string;
  /** "token" (a valid bearer token), "cli", or "alertmanager receiver NAME". */
  who: string;
  trigger: Trigger;
  dryRun: boolean;
  /** Set when remediation.mode plan made the run plan-only. */
  mode?: RemediationMode;
  /** What the run did not do and why (mode plan: nothing was sent). */
  message?: string;
  groupKey?: string;
  alerts?: string[];
  plan: Pick<Plan, "targets" | "actions" | "blocked">;
  /** Routers whose view was not acted on, and why. */
  distrusted?: Distrust[];
  results: RemediationReport["actions"];
  ok: boolean;
  durations: { totalSeconds: number; sendSeconds: number; verifySeconds: number };
  error?: string;
  /** The process exited before the run finished (a second shutdown signal). */
  interrupted?: true;
}

/** How many records the status page can show. */
export const RECENT_RECORDS = 10;

export class AuditLog {
  /** Appends are chained so lines never interleave, even across concurrent writers here. */
  private tail: Promise<void> = Promise.resolve();
  /** Newest first. */
  private last: AuditRecord[] = [];

  constructor(
    private file: string | null,
    private readonly log: Logger,
    private readonly keep: number = RECENT_RECORDS,
  ) {}

  /** A reloaded config's audit file: records from now on go there. */
  setFile(file: string | null): void {
    this.file = file;
  }

  /**
   * For a process about to exit: the line is appended before this returns (a pending async
   * append may still land after it). Never throws.
   */
  writeSync(record: AuditRecord): void {
    this.last = [record, ...this.last].slice(0, this.keep);
    if (this.file === null) {
      this.log.info({ audit: record }, "remediation audit");
      return;
    }
    try {
      appendFileSync(this.file, JSON.stringify(record) + "\n", { encoding: "utf8", mode: 0o600 });
    } catch (err) {
      this.log.error({ err: (err as Error).message, file: this.file, audit: record }, "could not append to the remediation audit log");
    }
  }

  /** The last records written, newest first (kept even when the file cannot be written). */
  recent(): readonly AuditRecord[] {
    return this.last;
  }

  /** Never throws: an unwritable audit file is logged loudly, the run's result stands. */
  write(record: AuditRecord): Promise<void> {
    this.last = [record, ...this.last].slice(0, this.keep);
    const line = JSON.stringify(record) + "\n";
    const file = this.file;
    if (file === null) {
      this.log.info({ audit: record }, "remediation audit");
      return Promise.resolve();
    }
    this.tail = this.tail.then(() =>
      appendFile(file, line, { encoding: "utf8", mode: 0o600 }).catch((err: Error) => {
        this.log.error({ err: err.message, file, audit: record }, "could not append to the remediation audit log");
      }),
    );
    return this.tail;
  }
}
