import { Redis } from "ioredis";
import type { Logger } from "./logger.ts";

export interface RedisClientOptions {
  keyPrefix?: string;
  commandTimeoutMs: number;
  logger: Logger;
}

/**
 * A Redis client for fail-open caches: no offline queue (a down Redis rejects commands at once instead of
 * queueing them), no per-command retries, bounded command time, and reconnection in the background.
 */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const redis = new Redis(url, {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  });
  let reported = false;
  redis.on("error", (error: Error) => {
    // ioredis emits an error per reconnection attempt; the cache metrics count the effect, the log says it once.
    if (!reported) options.logger.warn({ reason: error.message }, "redis connection error");
    reported = true;
  });
  redis.on("ready", () => {
    reported = false;
  });
  return redis;
}
