// Prometheus durations ("90s", "1h30m", "500ms") to milliseconds and back. Pure.
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** One Prometheus duration literal: units in decreasing order, each at most once. */
export const DURATION_SOURCE = "(?:\\d+(?:ms|s|m|h|d|w|y))+";

/** Milliseconds of a Prometheus duration, or null when it is not one. */
export function parseDuration(text: string): number | null {
  if (!new RegExp(`^${DURATION_SOURCE}$`).test(text)) return null;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return ms;
}

/** The shortest Prometheus spelling of a whole number of milliseconds ("1h30m", "2s", "250ms"). */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`not a duration in milliseconds: ${ms}`);
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const unit of ["y", "w", "d", "h", "m", "s", "ms"]) {
    const size = UNIT_MS[unit] as number;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
