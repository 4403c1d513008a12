import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";
import { traceLogFields } from "../../common/tracing.ts";
import type { GatewayConfig } from "../config.ts";

export type { Logger };

/**
 * JSON lines on stdout (or the given stream, which is how tests read what would be logged), with pino's standard
 * fields; with tracing on, each line also carries the `trace_id` / `span_id` it was written in.
 */
export function createLogger(
  config: Pick<GatewayConfig, "log"> & Partial<Pick<GatewayConfig, "tracing">>,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    name: "gateway",
    level: config.log.level,
    // Belt and braces: even if a caller logs a whole request, these never reach the log.
    redact: {
      paths: ["variables", "*.variables", "authorization", "*.authorization", "headers.authorization"],
      censor: "[redacted]",
    },
    ...(config.tracing?.tracesUrl ? { mixin: traceLogFields } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
