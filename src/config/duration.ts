// Prometheus-style durations ("500ms", "5s", "1m30s") to milliseconds, and the ranges every
// duration key of the config accepts.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;

/** The longest delay a Node.js timer holds (2^31-1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Milliseconds, or null when the text is not a duration like 5s, 500ms, 1m30s. A duration too
 * large to count exactly (a 20-digit number) is Infinity: out of every range, never wrapped.
 */
export function parseDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Number.isSafeInteger(ms) ? ms : Number.POSITIVE_INFINITY;
}

export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s % 60 !== 0 || s < 60) return `${s}s`;
  return s % 3600 === 0 ? `${s / 3600}h` : `${s / 60}m`;
}

export interface DurationRange {
  minMs: number;
  maxMs: number;
}

/**
 * The documented ranges (README "Configuration"). Timeouts below 100 ms fail every read; a
 * verify interval below 50 ms floods the routers; keepalives outside 1 s - 1 h either flood the
 * nodes or never notice a dead peer; nothing may exceed what a timer can hold.
 */
export const RANGES = {
  timeout: { minMs: 100, maxMs: 3_600_000 },
  verifyInterval: { minMs: 50, maxMs: 60_000 },
  keepalive: { minMs: 1_000, maxMs: 3_600_000 },
  cooldown: { minMs: 0, maxMs: 86_400_000 },
} as const satisfies Record<string, DurationRange>;

/** Why `ms` is outside `range`, or null when it is inside. */
export function rangeProblem(ms: number, range: DurationRange): string | null {
  if (ms >= range.minMs && ms <= range.maxMs && ms <= MAX_TIMER_MS) return null;
  return `must be from ${formatDuration(range.minMs)} to ${formatDuration(range.maxMs)}`;
}
