// A logger that keeps every line in memory, for tests that assert what the exporter logged.
import { pino } from "pino";
import type { Logger } from "../../src/log.js";

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export function recordingLogger(level: "debug" | "info" | "warn" = "debug"): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { log, lines };
}
