import { z } from "zod";
import { optionalString, positiveInt } from "../../common/envSchema.ts";

/** The Redis every shared layer uses (caches, rate limits), and the bound of the in-memory stand-ins without it. */
export const redisConfig = z
  .object({
    REDIS_URL: optionalString,
    REDIS_COMMAND_TIMEOUT_MS: positiveInt(500),
    // Lets several deployments (or test runs) share one Redis without seeing, or purging, each other's keys.
    REDIS_KEY_PREFIX: z.string().default(""),
    CACHE_MAX_ENTRIES: positiveInt(10_000),
  })
  .transform((env) => ({
    url: env.REDIS_URL,
    commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    keyPrefix: env.REDIS_KEY_PREFIX,
    maxEntries: env.CACHE_MAX_ENTRIES,
  }));
