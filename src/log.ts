// One logger for the process, on stderr, like Prometheus' own exporters: logfmt by default
// (`ts=... level=info msg="..." key=value`), JSON lines with --log.format json. Levels are
// words, the time is `ts` (RFC 3339 with milliseconds, UTC). Secrets are never passed to it.
import { pino, type DestinationStream, type Logger } from "pino";
import { toLogfmt } from "./log-format.js";

export type { Logger };

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ["logfmt", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** pino's own level key and numbers replaced by words, its time by `ts`. */
const OPTIONS = {
  base: undefined,
  messageKey: "msg",
  timestamp: () => `,"ts":"${new Date().toISOString()}"`,
  formatters: { level: (label: string) => ({ level: label }) },
};

/** A logger writing JSON lines or logfmt to `out` (default: stderr, synchronously). */
export function createLogger(level: LogLevel = "info", format: LogFormat = "logfmt", out?: DestinationStream): Logger {
  const dest = out ?? pino.destination({ fd: 2, sync: true });
  if (format === "json") return pino({ ...OPTIONS, level }, dest);
  // pino writes one JSON line per record; each is rewritten as logfmt on its way out.
  const logfmt: DestinationStream = { write: (line: string) => void dest.write(toLogfmt(line)) };
  return pino({ ...OPTIONS, level }, logfmt);
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
