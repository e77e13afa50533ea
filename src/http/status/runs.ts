// The last remediation runs, newest first as the audit log keeps them in memory
// (src/remediate/audit.ts): who asked, what was sent, how it ended (or why it could not run).
import type { AuditRecord } from "../../remediate/audit.js";
import { classes, html, type Html } from "./html.js";

function results(r: AuditRecord): Html {
  if (r.error) return html`<span class="error">${r.error}</span>`;
  if (r.results.length === 0) return html`none`;
  return html`<ul>${r.results.map((a) => html`<li>${a.vip}: ${a.from.node ?? a.from.mac ?? "no entry"} → ${a.to.node} ${a.status}${a.error ? `: ${a.error}` : ""}</li>`)}</ul>`;
}

function runRow(r: AuditRecord): Html {
  const outcome = r.ok ? "ok" : "FAILED";
  return html`<tr${classes({ problem: !r.ok })}><td>${r.time}</td><td>${r.who}</td><td>${r.dryRun ? "dry run" : "run"}</td><td>${outcome}</td><td class="num">${r.durations.totalSeconds.toFixed(2)} s</td><td class="list">${results(r)}</td></tr>`;
}

export function runsSection(runs: readonly AuditRecord[]): Html {
  if (runs.length === 0) return html`<section id="runs"><h2>Last remediation runs</h2><p>None since the exporter started.</p></section>`;
  return html`<section id="runs"><h2>Last remediation runs</h2><div class="scroll"><table class="runs"><thead><tr><th>started</th><th>who</th><th>kind</th><th>result</th><th>took</th><th>actions</th></tr></thead><tbody>${runs.map(runRow)}</tbody></table></div></section>`;
}
