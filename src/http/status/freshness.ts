// How old the view on the page is. Older than two scrape intervals means scrapes stopped
// reaching the exporter (or failing): the page then shows an old world, and says so.
import { html, type Html } from "./html.js";

export interface Freshness {
  ageSeconds: number;
  intervalSeconds: number | null;
  stale: boolean;
}

export function freshness(at: Date, now: Date, intervalSeconds: number | null): Freshness {
  const ageSeconds = Math.max(0, (now.getTime() - at.getTime()) / 1000);
  return { ageSeconds, intervalSeconds, stale: intervalSeconds !== null && ageSeconds > 2 * intervalSeconds };
}

const dur = (s: number): string => (s < 120 ? `${s.toFixed(1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

export function freshnessSection(at: Date | null, now: Date, intervalSeconds: number | null): Html {
  const interval =
    intervalSeconds === null
      ? "Scrape interval unknown (fewer than two scrapes of the metrics path seen)."
      : `Scrape interval ${dur(intervalSeconds)} (learned from the gaps between scrapes).`;
  if (at === null) {
    return html`<section id="freshness"><p class="problem">No view yet: the page shows what the last scrape of the metrics path read, and nothing has scraped it yet. The page itself never reads the network.</p><p>${interval}</p></section>`;
  }
  const f = freshness(at, now, intervalSeconds);
  const warning = f.stale
    ? html`<p class="problem stale">This view is stale: ${dur(f.ageSeconds)} old, more than two scrape intervals. Check that Prometheus still scrapes this exporter and that the scrapes succeed.</p>`
    : null;
  return html`<section id="freshness">${warning}<p class="age">View read at ${at.toISOString()}, ${dur(f.ageSeconds)} ago.</p><p>${interval}</p></section>`;
}
