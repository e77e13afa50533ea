// How long a scrape may take before it must answer: Prometheus says how long it waits in
// X-Prometheus-Scrape-Timeout-Seconds; the exporter answers that long minus an offset (time to
// render and send), never longer than scrape_timeout. Sources still running then count as
// failed for that scrape, so Prometheus gets every other series instead of a timeout.

/** Shortest budget: a header smaller than the offset still leaves sources a moment to answer. */
export const MIN_BUDGET_MS = 100;

/**
 * The scrape's budget in ms. A missing or unreadable header (not a positive number of seconds)
 * falls back to scrape_timeout: the exporter never waits longer than its own config allows.
 */
export function scrapeBudgetMs(header: string | undefined, offsetMs: number, scrapeTimeoutMs: number): number {
  const seconds = header === undefined ? NaN : Number(header.trim());
  if (!Number.isFinite(seconds) || seconds <= 0 || header!.trim() === "") return scrapeTimeoutMs;
  const wanted = Math.floor(seconds * 1000) - offsetMs;
  return Math.min(scrapeTimeoutMs, Math.max(Math.min(MIN_BUDGET_MS, Math.floor(seconds * 1000)), wanted));
}

/** --web.timeout-offset: seconds as Prometheus exporters write them ("0.5"), or a duration ("500ms"). */
export function parseTimeoutOffset(text: string, parseDuration: (s: string) => number | null): number {
  const t = text.trim();
  const ms = /^\d+(\.\d+)?$/.test(t) ? Math.round(Number(t) * 1000) : parseDuration(t);
  if (ms === null || !Number.isFinite(ms) || ms < 0 || ms > 60_000) {
    throw new Error(`--web.timeout-offset "${text}" must be seconds from 0 to 60 (e.g. 0.5) or a duration like 500ms`);
  }
  return ms;
}
