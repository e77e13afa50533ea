// Per source (each router and node read): whether the last round read it, how long it took,
// and its last error, kept after the source recovers so a flapping one still shows why.
import type { SourceResult } from "../../collect/types.js";
import { classes, html, type Html } from "./html.js";

export interface LastError {
  error: string;
  at: Date;
}

export const sourceKey = (s: Pick<SourceResult, "collector" | "target">): string => `${s.collector}\u0000${s.target}`;

/** The last error of every source, updated with one round's results (pure: returns a new map). */
export function foldErrors(prev: ReadonlyMap<string, LastError>, sources: readonly SourceResult[], at: Date): Map<string, LastError> {
  const next = new Map(prev);
  for (const s of sources) if (!s.success) next.set(sourceKey(s), { error: s.error ?? "failed", at });
  return next;
}

const seconds = (s: number): string => (s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);

function lastError(s: SourceResult, last: LastError | undefined): Html | string {
  if (!s.success) return s.error ?? "failed";
  if (!last) return "none";
  return html`<span class="old">${last.error}</span> (at ${last.at.toISOString()}, read since)`;
}

export function sourcesSection(sources: readonly SourceResult[] | null, errors: ReadonlyMap<string, LastError>): Html {
  if (sources === null) return html`<section id="sources"><h2>Sources</h2><p>Not read yet.</p></section>`;
  const rows = sources.map(
    (s) =>
      html`<tr${classes({ problem: !s.success })} data-source="${sourceKey(s).replace("\u0000", " ")}"><td>${s.collector}</td><td>${s.target}</td><td>${s.success ? "ok" : "FAILED"}</td><td class="num">${seconds(s.durationSeconds)}</td><td class="list">${lastError(s, errors.get(sourceKey(s)))}</td></tr>`,
  );
  return html`<section id="sources"><h2>Sources</h2><div class="scroll"><table class="sources"><thead><tr><th>collector</th><th>target</th><th>status</th><th>duration</th><th>last error</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}
