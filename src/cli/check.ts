// `vip-arp-exporter check`: one collection, a table or JSON, an exit code.
import { createCollector } from "../collect/collector.js";
import type { Config } from "../config/types.js";
import type { Logger } from "../log.js";
import { checkExitCode, checkJson, formatCheckTable } from "./check-report.js";
import { oneShotSignals } from "./signals.js";

export async function runCheck(config: Config, output: "table" | "json", log: Logger): Promise<number> {
  const collector = createCollector(config, log);
  // Read-only: SIGTERM/SIGINT exit at once (nothing to finish or record); SIGHUP is ignored.
  const release = oneShotSignals(log, {});
  try {
    const c = await collector.collect();
    process.stdout.write(output === "json" ? JSON.stringify(checkJson(c), null, 2) + "\n" : formatCheckTable(c, config) + "\n");
    return checkExitCode(c);
  } finally {
    release();
    await collector.close();
  }
}
