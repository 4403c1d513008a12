import { Redis } from "ioredis";
import type { GatewayConfig } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";

const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The shared Redis client, or null when no REDIS_URL is configured (the caches then use in-memory LRUs).
 * Options favour failing fast over queueing: a cache that waits for a dead Redis is slower than no cache.
 */
export function createRedis(
  config: Pick<GatewayConfig, "redis">,
  deps: { logger: Logger; metrics: GatewayMetrics },
): Redis | null {
  if (!config.redis.url) return null;
  const redis = new Redis(config.redis.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: config.redis.commandTimeoutMs,
    keyPrefix: config.redis.keyPrefix,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
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
export function trackRedisAvailability(redis: Redis, metrics: Pick<GatewayMetrics, "redisUp">): void {
  const report = () => metrics.redisUp.set(redis.status === "ready" ? 1 : 0);
  report();
  for (const event of ["ready", "close", "end", "reconnecting"]) redis.on(event, report);
}

/** PING with a bound, for /ready. */
export async function pingRedis(redis: Redis, timeoutMs: number): Promise<string | null> {
  try {
    const answer = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
    ]);
    return answer === "PONG" ? null : `unexpected answer ${answer}`;
  } catch (error) {
    return (error as Error).message;
  }
}
