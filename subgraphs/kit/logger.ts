import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(name: string, level: string): Logger {
  return pino({
    name,
    level,
    // Personal data must never reach a log line, whatever a caller put in a message.
    redact: { paths: ["*.id", "*.ids", "*.fullName", "*.dateOfBirth", "variables"], censor: "[redacted]" },
  });
}
