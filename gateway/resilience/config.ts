import { z } from "zod";
import { onOff, perNameOverrides, positiveInt } from "../../common/envSchema.ts";

export const resilienceConfig = z
  .looseObject({
    SUBGRAPH_TIMEOUT_MS: positiveInt(10_000),
    SUBGRAPH_RETRY: onOff("on"),
    BREAKER: onOff("on"),
    BREAKER_CONSECUTIVE_FAILURES: positiveInt(5),
    BREAKER_HALF_OPEN_AFTER_MS: positiveInt(10_000),
  })
  .transform((env, ctx) => ({
    timeoutMs: env.SUBGRAPH_TIMEOUT_MS,
    /** SUBGRAPH_TIMEOUT_MS_<NAME>: a slower subgraph gets its own budget. */
    timeoutOverridesMs: perNameOverrides(
      env,
      "SUBGRAPH_TIMEOUT_MS_",
      z.coerce.number().int().positive(),
      ctx,
    ),
    retry: env.SUBGRAPH_RETRY,
    breaker: {
      enabled: env.BREAKER,
      consecutiveFailures: env.BREAKER_CONSECUTIVE_FAILURES,
      halfOpenAfterMs: env.BREAKER_HALF_OPEN_AFTER_MS,
    },
  }));

export type BreakerConfig = z.output<typeof resilienceConfig>["breaker"];
