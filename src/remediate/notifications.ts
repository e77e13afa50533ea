// Alertmanager sends one notification more than once (an HA pair, retries, repeat_interval).
// A notification is its group key plus each firing alert's fingerprint and start time; one
// handled within the cooldown is answered "already handled" instead of running again.

export interface NotificationAlert {
  fingerprint?: string;
  startsAt?: string;
  labels: Record<string, string>;
}

/** The identity of a notification; null without a group key (nothing to recognise it by). */
export function notificationKey(groupKey: string | undefined, firing: readonly NotificationAlert[]): string | null {
  if (groupKey === undefined) return null;
  const alerts = firing
    .map((a) => `${a.fingerprint ?? JSON.stringify(Object.entries(a.labels).sort())}@${a.startsAt ?? ""}`)
    .sort();
  return JSON.stringify([groupKey, alerts]);
}

export class NotificationLog {
  private readonly handled = new Map<string, number>();

  constructor(
    private windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  setWindow(ms: number): void {
    this.windowMs = ms;
  }

  /** When the notification was handled, if within the window; else null. */
  handledAt(key: string): number | null {
    this.prune();
    return this.handled.get(key) ?? null;
  }

  /** A run answered the notification with success: repeats within the window are not run again. */
  mark(key: string): void {
    this.prune();
    this.handled.set(key, this.now());
  }

  private prune(): void {
    const oldest = this.now() - this.windowMs;
    for (const [k, at] of this.handled) if (at <= oldest) this.handled.delete(k);
  }
}
