// `vip-arp-exporter remediate`: the same run as POST /remediate, from the command line.
import { Registry } from "prom-client";
import { createCollector } from "../collect/collector.js";
import type { Config } from "../config/types.js";
import type { Logger } from "../log.js";
import { formatReport } from "../remediate/format.js";
import { createRemediationMetrics } from "../remediate/metrics.js";
import { Remediator } from "../remediate/remediator.js";
import { oneShotSignals } from "./signals.js";

export interface RemediateCliOptions {
  dryRun: boolean;
  reassert: boolean;
  vips?: string[];
  output: "table" | "json";
}

export async function runRemediate(config: Config, o: RemediateCliOptions, log: Logger): Promise<number> {
  const unknown = (o.vips ?? []).filter((v) => !config.vips.includes(v));
  if (unknown.length) {
    process.stderr.write(`vip-arp-exporter: --vip ${unknown.join(", ")}: not among the configured vips (${config.vips.join(", ")})\n`);
    return 2;
  }
  const collector = createCollector(config, log);
  const remediator = new Remediator({ config, collector, log, metrics: createRemediationMetrics(new Registry()) });
  // A run that sends GARPs is finished and audited before the command exits; a second signal exits at once, recorded.
  const release = oneShotSignals(log, {
    onFirst: (signal) => log.warn({ signal }, "finishing the remediation run before exiting (send the signal again to exit at once)"),
    abort: (signal) => void remediator.recordInterrupted(signal),
  });
  try {
    const report = await remediator.run({ trigger: "cli", dryRun: o.dryRun, reassert: o.reassert, vips: o.vips });
    process.stdout.write(o.output === "json" ? JSON.stringify(report, null, 2) + "\n" : formatReport(report) + "\n");
    // The report comes once verified; arping may still be sending its last GARPs: let it finish.
    await remediator.idle();
    // 2: a router's view could not be trusted (a collection error, as in `check`); 1: an action failed.
    if (report.error !== undefined || report.distrusted.length > 0) return 2;
    return report.ok ? 0 : 1;
  } finally {
    release();
    await collector.close();
  }
}
