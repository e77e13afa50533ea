// Per-VIP cooldown: after a GARP went out for a VIP, repeats within the window are skipped,
// so a flapping alert or an impatient operator cannot turn into an ARP storm.

export class Cooldown {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A reloaded config's window; what was sent stays remembered. */
  setWindow(ms: number): void {
    this.windowMs = ms;
  }

  /** Why `vip` must be skipped now, or null when it may be announced. */
  check(vip: string): string | null {
    const at = this.lastSent.get(vip);
    if (at === undefined) return null;
    const elapsed = this.now() - at;
    if (elapsed >= this.windowMs) return null;
    return (
      `cooldown: a GARP for ${vip} was sent ${seconds(elapsed)} ago; ` +
      `the next one is allowed in ${seconds(this.windowMs - elapsed)} (remediation.cooldown ${seconds(this.windowMs)})`
    );
  }

  /** Records that a GARP for `vip` went out now. */
  mark(vip: string): void {
    this.lastSent.set(vip, this.now());
  }
}

function seconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}
