import { createRedisClient, type RedisClient } from "../../common/redis.ts";
import type { GatewayConfig } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";

const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The shared Redis client (one server, a Cluster, or a master found through Sentinel), or null when none is configured
 * (the caches then use in-memory LRUs). Options favour failing fast over queueing: a cache that waits for a dead Redis
 * is slower than no cache.
 */
export function createRedis(
  config: Pick<GatewayConfig, "redis">,
  deps: { logger: Logger; metrics: GatewayMetrics },
): RedisClient | null {
  const { connection, keyPrefix, commandTimeoutMs } = config.redis;
  if (!connection) return null;
  const redis = createRedisClient(connection, { keyPrefix, commandTimeoutMs, connectTimeoutMs: 1000 });
  let lastLoggedAt = 0;
  redis.on("error", (error: Error) => {
    deps.metrics.redisErrors.inc();
    // A Redis outage produces one error per reconnect attempt; one log line per interval is enough.
    const now = Date.now();
    if (now - lastLoggedAt > ERROR_LOG_INTERVAL_MS) {
      lastLoggedAt = now;
      deps.logger.warn({ err: { message: error.message } }, "redis unavailable; caches fail open");
    }
  });
  return redis;
}

/** Keeps `lienthong_gateway_redis_up` current from the client's own connection events. */
export function trackRedisAvailability(redis: RedisClient, metrics: Pick<GatewayMetrics, "redisUp">): void {
  const report = () => metrics.redisUp.set(redis.status === "ready" ? 1 : 0);
  report();
  for (const event of ["ready", "close", "end", "reconnecting"]) redis.on(event, report);
}
