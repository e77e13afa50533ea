// The state behind the status page: when the metrics path was scraped (the interval), each
// source's last error, and the planner's dry run, computed once per collection. It only
// looks at collections the scrapes made: showing the page never reads the network.
import type { Collection } from "../../collect/types.js";
import { plan } from "../../model/plan.js";
import type { Plan } from "../../model/types.js";
import type { RemediationConfig } from "../../config/types.js";
import type { AuditLog } from "../../remediate/audit.js";
import { VERSION } from "../../version.js";
import { DEFAULT_RUNBOOK_URL } from "./links.js";
import { renderStatusPage } from "./page.js";
import { ScrapeClock } from "./scrape-interval.js";
import { foldErrors, type LastError } from "./sources.js";

export interface StatusPageOptions {
  /** The Remediator: the page plans with its options and shows its audit log's last records. */
  remediator: { readonly config: { readonly remediation: Pick<RemediationConfig, "preferred"> }; readonly audit: Pick<AuditLog, "recent"> };
  telemetryPath: string;
  /** Whether POST /remediate is enabled (read per render: a reload may change it). */
  remediation: () => boolean;
  banner?: string;
  runbookUrl?: string;
  now?: () => number;
}

export class StatusPage {
  private readonly clock = new ScrapeClock();
  private readonly now: () => number;
  private lastErrors = new Map<string, LastError>();
  private lastScraped: Collection | null = null;
  private folded: Collection | null = null;
  private planned: { collection: Collection; plan: Plan } | null = null;

  constructor(private readonly opts: StatusPageOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** One scrape of the metrics path answered with this collection. */
  scraped(c: Collection): void {
    // Scrapes that arrive together share a collection: they are one scrape for the interval.
    if (c !== this.lastScraped) this.clock.record(this.now());
    this.lastScraped = c;
    this.fold(c);
  }

  render(last: Collection | null): string {
    if (last !== null) this.fold(last);
    return renderStatusPage({
      version: VERSION,
      now: new Date(this.now()),
      collection: last,
      plan: last === null ? null : this.planFor(last),
      scrapeIntervalSeconds: this.clock.intervalSeconds(),
      lastErrors: this.lastErrors,
      runs: this.opts.remediator.audit.recent(),
      telemetryPath: this.opts.telemetryPath,
      runbookUrl: this.opts.runbookUrl ?? DEFAULT_RUNBOOK_URL,
      remediation: this.opts.remediation(),
      ...(this.opts.banner !== undefined ? { banner: this.opts.banner } : {}),
    });
  }

  // Concurrent scrapes share a collection: fold and plan each one once.
  private fold(c: Collection): void {
    if (this.folded === c || (this.folded !== null && c.at < this.folded.at)) return;
    this.folded = c;
    this.lastErrors = foldErrors(this.lastErrors, c.sources, c.at);
  }

  private planFor(c: Collection): Plan {
    if (this.planned?.collection !== c) {
      // The options the Remediator plans with, so the page shows what a run would do.
      this.planned = { collection: c, plan: plan(c.analysis, { preferred: this.opts.remediator.config.remediation.preferred }) };
    }
    return this.planned.plan;
  }
}
