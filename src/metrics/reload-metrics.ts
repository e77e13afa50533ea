// Whether the last config reload worked, as Prometheus and Alertmanager export it about
// themselves: alert on `vip_arp_exporter_config_last_reload_successful == 0`.
import { Gauge, type Registry } from "prom-client";

export class ReloadMetrics {
  private readonly successful: Gauge;
  private readonly successTime: Gauge;

  constructor(
    registry: Registry,
    private readonly now: () => number = Date.now,
  ) {
    const registers = [registry];
    this.successful = new Gauge({ name: "vip_arp_exporter_config_last_reload_successful", help: "1 when the last config reload (start, SIGHUP or POST /-/reload) succeeded, else 0.", registers });
    this.successTime = new Gauge({ name: "vip_arp_exporter_config_last_reload_success_timestamp_seconds", help: "Unix time of the last successful config load.", registers });
    this.succeeded();
  }

  succeeded(): void {
    this.successful.set(1);
    this.successTime.set(this.now() / 1000);
  }

  failed(): void {
    this.successful.set(0);
  }
}
