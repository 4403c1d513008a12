import { type DestinationStream, type Logger, pino } from "pino";
import type { GatewayConfig } from "../config.ts";

export type { Logger };

/** JSON lines on stdout (or the given stream, which is how tests read what would be logged). */
export function createLogger(config: Pick<GatewayConfig, "log">, destination?: DestinationStream): Logger {
  const options = {
    name: "gateway",
    level: config.log.level,
    base: { pid: process.pid },
    // Belt and braces: even if a caller logs a whole request, these never reach the log.
    redact: {
      paths: ["variables", "*.variables", "authorization", "*.authorization", "headers.authorization"],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
