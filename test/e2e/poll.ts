// Bounded polling: the loop waits for states, never for durations. A timeout says what was
// awaited and the last thing seen, so a failure explains itself.
export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
}

export class PollTimeout extends Error {}

/**
 * Calls `probe` until it returns `{ done: true, value }` or the deadline passes. `seen`
 * describes the latest state for the timeout message; a probe that throws counts as not done.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<{ done: true; value: T } | { done: false; seen: string }>,
  opts: PollOptions,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let seen = "nothing yet";
  for (;;) {
    try {
      const r = await probe();
      if (r.done) return r.value;
      seen = r.seen;
    } catch (err) {
      seen = `error: ${(err as Error).message}`;
    }
    if (Date.now() >= deadline) throw new PollTimeout(`timed out after ${opts.timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}
