// Plain-text rendering of a report for the CLI (`vip-arp-exporter remediate`).
import { table } from "../cli/table.js";
import type { RemediationReport, StateSummary } from "./report.js";

/** A human-readable table of the counts before/after and one row per action. */
export function formatReport(report: RemediationReport): string {
  const lines: string[] = [];
  lines.push(
    `${report.mode === "plan" ? "Plan only" : report.dryRun ? "Dry run" : "Remediation"} (${report.trigger}), ${report.durationSeconds.toFixed(2)}s: ` +
      (report.ok ? "ok" : "FAILED"),
  );
  if (report.message) lines.push(report.message);
  lines.push(`before: ${state(report.before)}`);
  if (report.after) lines.push(`after:  ${state(report.after)}`);
  if (report.actions.length === 0) {
    lines.push("actions: none needed");
  } else {
    const rows = report.actions.map((a) => [
      a.vip,
      `${a.from.node ?? "?"} (${a.from.mac ?? "none"})`,
      `${a.to.node} (${a.to.mac})`,
      a.status,
      a.error ?? "",
    ]);
    lines.push(table(["VIP", "FROM", "TO", "STATUS", "ERROR"], rows));
  }
  for (const b of report.blocked) lines.push(`blocked: ${b.vip}: ${b.reason}`);
  for (const d of report.distrusted) lines.push(`not acted on: router ${d.router} ${d.reason}`);
  if (report.error) lines.push(`refused: ${report.error}`);
  return lines.join("\n") + "\n";
}

function state(s: StateSummary): string {
  const counts = Object.entries(s.counts)
    .map(([node, n]) => `${node}=${n}`)
    .join(" ");
  const errs = s.errors ? ` (unreadable: ${Object.keys(s.errors).join(", ")})` : "";
  return `${counts || "no readable router"} ratio=${s.ratio.toFixed(3)}${errs}`;
}
