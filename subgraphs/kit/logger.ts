import { type Logger, type LoggerOptions, pino } from "pino";
import { traceLogFields } from "../../common/tracing.ts";

export type { Logger };

/** pino's standard fields; with `traced`, each line also carries the `trace_id` / `span_id` it was written in. */
export function createLogger(name: string, level: string, options: { traced?: boolean } = {}): Logger {
  const settings: LoggerOptions = {
    name,
    level,
    // Personal data must never reach a log line, whatever a caller put in a message.
    redact: { paths: ["*.id", "*.ids", "*.fullName", "*.dateOfBirth", "variables"], censor: "[redacted]" },
    ...(options.traced ? { mixin: traceLogFields } : {}),
  };
  return pino(settings);
}
