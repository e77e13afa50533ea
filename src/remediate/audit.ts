// Audit trail of remediation runs: one JSON line per run, appended to
// remediation.audit_log_file when set, else written to the log at info. It records who
// asked and what happened; it never contains the token or any request header. The last
// records also stay in memory for the status page.
import { appendFile } from "node:fs/promises";
import type { Logger } from "../log.js";
import type { Plan } from "../model/types.js";
import type { RemediationReport, Trigger } from "./report.js";

export interface AuditRecord {
  time: string;
  /** "token" (a valid bearer token), "cli", or "alertmanager receiver NAME". */
  who: string;
  trigger: Trigger;
  dryRun: boolean;
  groupKey?: string;
  alerts?: string[];
  plan: Pick<Plan, "targets" | "actions" | "blocked">;
  results: RemediationReport["actions"];
  ok: boolean;
  durations: { totalSeconds: number; sendSeconds: number; verifySeconds: number };
  error?: string;
}

/** How many records the status page can show. */
export const RECENT_RECORDS = 10;

export class AuditLog {
  /** Appends are chained so lines never interleave, even across concurrent writers here. */
  private tail: Promise<void> = Promise.resolve();
  /** Newest first. */
  private last: AuditRecord[] = [];

  constructor(
    private readonly file: string | null,
    private readonly log: Logger,
    private readonly keep: number = RECENT_RECORDS,
  ) {}

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
