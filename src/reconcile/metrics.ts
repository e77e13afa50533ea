// vip_arp_reconciler_state (DESIGN.md contract name): one series per state, 1 for the current
// one; the holding_back series carries the reason while it holds back.
import { Gauge, type Registry } from "prom-client";
import type { HoldReason } from "./decide.js";

export type ReconcilerState = "idle" | "waiting" | "acting" | "holding_back";
export const RECONCILER_STATES: readonly ReconcilerState[] = ["idle", "waiting", "acting", "holding_back"];

export class ReconcilerMetrics {
  private readonly state: Gauge<"state" | "reason">;
  private readonly open: Gauge<"vip">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.state = new Gauge({
      name: "vip_arp_reconciler_state",
      help: "The reconciler's state (remediation.mode plan or auto): 1 for the current one of idle, waiting, acting, holding_back; reason says why it holds back.",
      labelNames: ["state", "reason"] as const,
      registers,
    });
    this.open = new Gauge({
      name: "vip_arp_reconciler_circuit_open",
      help: "1 for each VIP the reconciler stopped trying: its last verifications failed for the same problem.",
      labelNames: ["vip"] as const,
      registers,
    });
  }

  show(current: ReconcilerState, reason: HoldReason | null): void {
    this.state.reset();
    for (const s of RECONCILER_STATES) {
      this.state.set({ state: s, reason: s === "holding_back" && current === s ? (reason ?? "") : "" }, s === current ? 1 : 0);
    }
  }

  circuitOpen(vips: readonly string[]): void {
    this.open.reset();
    for (const vip of vips) this.open.set({ vip }, 1);
  }

  /** remediation.mode manual: no reconciler, no series. */
  off(): void {
    this.state.reset();
    this.open.reset();
  }
}
