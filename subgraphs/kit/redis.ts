import {
  createRedisClient as createClient,
  type RedisClient,
  type RedisConnection,
} from "../../common/redis.ts";
import type { Logger } from "./logger.ts";

export interface RedisClientOptions {
  keyPrefix?: string;
  commandTimeoutMs: number;
  logger: Logger;
}

/**
 * A Redis client for fail-open caches (one server, a Cluster or a Sentinel-watched master): no offline queue (a down
 * Redis rejects commands at once instead of queueing them), no per-command retries, bounded command time, and
 * reconnection in the background.
 */
export function createRedisClient(connection: RedisConnection, options: RedisClientOptions): RedisClient {
  const redis = createClient(connection, {
    keyPrefix: options.keyPrefix,
    commandTimeoutMs: options.commandTimeoutMs,
    connectTimeoutMs: 2000,
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
