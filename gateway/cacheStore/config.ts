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

/**
 * How long the response and fetch layers keep an answer fresh, and how long past that they may serve it while one
 * background refresh runs (RFC 5861). The cap is for screens that must be fresher than what subgraphs declare, and for
 * measuring refreshes at a known period; unset, subgraphs' hints stand.
 */
export const cacheFreshnessConfig = z
  .object({
    CACHE_MAX_AGE_SECONDS: z.coerce.number().int().positive().optional(),
    CACHE_STALE_WHILE_REVALIDATE_SECONDS: z.coerce.number().int().min(0).default(30),
    CACHE_REFRESH_CONCURRENCY: positiveInt(2),
  })
  .transform((env) => ({
    maxAgeSeconds: env.CACHE_MAX_AGE_SECONDS ?? null,
    staleWhileRevalidateSeconds: env.CACHE_STALE_WHILE_REVALIDATE_SECONDS,
    refreshConcurrency: env.CACHE_REFRESH_CONCURRENCY,
  }));
