// GARP pacing (remediation.max_garp_rate): the packets one node sends, over all VIPs and both
// forms, never exceed the rate in any one-second window. Switches punish bursts: Cisco DAI
// err-disables an untrusted port above 15 ARP packets per second by default.
//
// Pure arithmetic on integer milliseconds. A command is one arping: `-c N` sends its first
// packet at once and one more every interval (iputils: 1000 ms). When exactly its first packet
// leaves is only known within a range: from the moment the command was issued over SSH to
// shortly after sshd confirmed it started (the shell and arping still have to start). So packet
// k of a command lies in [lo + k*I, hi + k*I]. A packet may fall in a window [x, x + W) iff
// lo_k < x + W and hi_k >= x, i.e. for x in (lo_k - W, hi_k]; a schedule is accepted when no x
// has more than `rate` packets that may fall in its window. W is one second plus a slack
// (arping's own timer jitter, the capture's clock), so the guarantee holds on the wire.

export interface PacedCommand {
  /** Earliest and latest time its first packet can leave. */
  lo: number;
  hi: number;
  count: number;
  intervalMs: number;
}

export interface PacingRule {
  /** Packets per window, at most. */
  rate: number;
  /** Window length in ms: 1000 plus slack. */
  windowMs: number;
}

/** One second plus 100 ms of slack for arping's timer and the clocks that measure it. */
export const PACING_WINDOW_MS = 1100;
/** iputils arping sends one packet a second. */
export const ARPING_INTERVAL_MS = 1000;
/** How long after sshd confirms a command its first packet may still leave (shell + arping start). */
export const START_SLACK_MS = 200;
/** Assumed before sshd has confirmed the command (an exec is confirmed in a few ms). */
export const UNCONFIRMED_SLACK_MS = 300;

interface Span {
  a: number;
  b: number;
}

/** The x-intervals (a - W, b] of every packet of a command. */
function spans(c: PacedCommand, w: number): Span[] {
  const out: Span[] = [];
  for (let k = 0; k < c.count; k++) out.push({ a: c.lo + k * c.intervalMs - w, b: c.hi + k * c.intervalMs });
  return out;
}

const covers = (s: Span, x: number): boolean => s.a < x && x <= s.b;

/**
 * Whether `cand` can be added to `existing`: no window it reaches holds more than the rate.
 * A command that alone exceeds the rate (rate 1 and arping -c 3 with its packets a second
 * apart) is allowed when nothing else shares its windows, so every command runs eventually.
 */
export function fits(existing: readonly PacedCommand[], cand: PacedCommand, rule: PacingRule): boolean {
  const w = rule.windowMs;
  const own = spans(cand, w);
  const others = existing.flatMap((c) => spans(c, w)).filter((s) => own.some((o) => s.a < o.b && o.a < s.b));
  // The count is a sum of (a, b] indicators: its maximum over x is reached at some b.
  const xs = [...own, ...others].map((s) => s.b).filter((x) => own.some((o) => covers(o, x)));
  let selfMax = 0;
  for (const x of own.map((s) => s.b)) selfMax = Math.max(selfMax, own.filter((s) => covers(s, x)).length);
  const limit = Math.max(rule.rate, selfMax);
  for (const x of xs) {
    const n = own.filter((s) => covers(s, x)).length;
    if (n === 0) continue;
    const total = n + others.filter((s) => covers(s, x)).length;
    if (total > limit) return false;
  }
  return true;
}

/**
 * The earliest time >= notBefore at which a command of `count` packets, whose first packet
 * leaves within `width` ms of being issued, fits. Moving the start later, the command stops
 * sharing windows with an existing packet j at b_j + W - k*I for its packet k: the answer is
 * notBefore or one of those moments.
 */
export function earliestStart(
  existing: readonly PacedCommand[],
  shape: { count: number; intervalMs: number; width: number },
  notBefore: number,
  rule: PacingRule,
): number {
  const at = (t: number): PacedCommand => ({ lo: t, hi: t + shape.width, count: shape.count, intervalMs: shape.intervalMs });
  if (fits(existing, at(notBefore), rule)) return notBefore;
  const candidates = new Set<number>();
  for (const c of existing) {
    for (let j = 0; j < c.count; j++) {
      const b = c.hi + j * c.intervalMs;
      for (let k = 0; k < shape.count; k++) {
        const t = b + rule.windowMs - k * shape.intervalMs;
        if (t > notBefore) candidates.add(t);
      }
    }
  }
  for (const t of [...candidates].sort((x, y) => x - y)) if (fits(existing, at(t), rule)) return t;
  // Past every existing packet nothing is shared, so the last candidate always fits.
  return Math.max(notBefore, ...candidates);
}

/** The last moment a command's packets can be on the wire. */
export function lastPacket(c: PacedCommand): number {
  return c.hi + (c.count - 1) * c.intervalMs;
}

/**
 * One node's reservations, across runs (a run that starts right after another must not burst
 * into the same second). Not thread-safe by design: the executor issues one node's commands
 * one at a time.
 */
export class NodePacer {
  private commands: PacedCommand[] = [];
  private readonly sure = new WeakSet<PacedCommand>();

  constructor(private rule: PacingRule) {}

  setRate(rate: number): void {
    this.rule = { ...this.rule, rate };
  }

  /** When a command of `count` packets may be issued, at the earliest `now`. */
  earliest(count: number, now: number, intervalMs = ARPING_INTERVAL_MS): number {
    this.prune(now);
    return earliestStart(this.commands, { count, intervalMs, width: UNCONFIRMED_SLACK_MS }, now, this.rule);
  }

  /** Whether a command issued now fits (time may have passed since `earliest`). */
  fitsNow(count: number, now: number, intervalMs = ARPING_INTERVAL_MS): boolean {
    this.prune(now);
    return fits(this.commands, { lo: now, hi: now + UNCONFIRMED_SLACK_MS, count, intervalMs }, this.rule);
  }

  /** Records a command issued now; returns its reservation. */
  issue(count: number, now: number, intervalMs = ARPING_INTERVAL_MS): PacedCommand {
    const c: PacedCommand = { lo: now, hi: now + UNCONFIRMED_SLACK_MS, count, intervalMs };
    this.commands.push(c);
    return c;
  }

  /** sshd confirmed the command at `at`: its first packet leaves by at + START_SLACK_MS. */
  confirmed(c: PacedCommand, at: number): void {
    this.sure.add(c);
    c.hi = Math.max(c.lo, at) + START_SLACK_MS;
  }

  /**
   * The command ended at `at` and its start was never confirmed (a runner that cannot tell):
   * arping exits after its last packet, so its first one left by at - (count-1)*I.
   */
  ended(c: PacedCommand, at: number): void {
    if (!this.sure.has(c)) c.hi = Math.max(c.lo, at - (c.count - 1) * c.intervalMs);
    this.sure.delete(c);
  }

  /** The command never ran (its SSH channel could not be opened): nothing to reserve. */
  cancel(c: PacedCommand): void {
    this.commands = this.commands.filter((x) => x !== c);
  }

  /** The reservations still in force (tests, shutdown bound). */
  reservations(now: number): readonly PacedCommand[] {
    this.prune(now);
    return this.commands;
  }

  private prune(now: number): void {
    this.commands = this.commands.filter((c) => lastPacket(c) + this.rule.windowMs >= now);
  }
}

/** Every node's pacer; one per Remediator, so runs one after another are paced together. */
export class Pacers {
  private readonly byNode = new Map<string, NodePacer>();

  constructor(private rate: number) {}

  setRate(rate: number): void {
    this.rate = rate;
    for (const p of this.byNode.values()) p.setRate(rate);
  }

  node(name: string): NodePacer {
    let p = this.byNode.get(name);
    if (!p) this.byNode.set(name, (p = new NodePacer({ rate: this.rate, windowMs: PACING_WINDOW_MS })));
    return p;
  }
}
