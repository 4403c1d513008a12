import { z } from "zod";
import { positiveInt } from "../../common/envSchema.ts";
import { redisConnectionOf, redisConnectionVariables } from "../../common/redis.ts";

/**
 * The Redis every shared layer uses (caches, rate limits): one server, a Cluster or a Sentinel-watched master (at most
 * one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS), and the bound of the in-memory stand-ins without it.
 */
export const redisConfig = z
  .object({
    ...redisConnectionVariables,
    // A cache lookup slower than this answers as a miss: a cache must never make a request much slower than no cache.
    REDIS_COMMAND_TIMEOUT_MS: positiveInt(100),
    // Lets several deployments (or test runs) share one Redis without seeing, or purging, each other's keys.
    REDIS_KEY_PREFIX: z.string().default(""),
    CACHE_MAX_ENTRIES: positiveInt(10_000),
  })
  .transform((env, ctx) => ({
    connection: redisConnectionOf(env, ctx),
    commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    keyPrefix: env.REDIS_KEY_PREFIX,
    maxEntries: env.CACHE_MAX_ENTRIES,
  }));
