// Bounded polling: every wait in the lab has a deadline and says what it waited for.
export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `probe` until it returns a value other than undefined, or throws once the deadline
 * passes (naming `what` and the last error the probe threw).
 */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined>, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 100;
  let last = "";
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ""}`);
    }
    await sleep(interval);
  }
}
