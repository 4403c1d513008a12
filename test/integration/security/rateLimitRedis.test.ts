import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { sha256 } from "../../../gateway/cacheStore/keys.ts";
import { createRateLimiter } from "../../../gateway/rateLimit/rateLimiter.ts";
import { freePort, redisUrl, uniqueRedisPrefix } from "../../support/index.ts";

const logger = pino({ level: "silent" });
const config = { points: 3, windowSeconds: 60, elevatedScopes: [], elevatedPoints: 3 };
const clients: Redis[] = [];
const client = (url: string) => {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 300,
    lazyConnect: false,
  });
  redis.on("error", () => {});
  clients.push(redis);
  return redis;
};
afterAll(() => {
  for (const redis of clients) redis.disconnect();
});

const officer = (sub: string) => ({ sub, scopes: [], province: null, commune: null });

describe("rate limits in Redis", () => {
  it("share one budget between replicas", async () => {
    const redis = client(redisUrl());
    await new Promise((resolve, reject) => {
      redis.once("ready", resolve);
      redis.once("error", reject);
    });
    const keyPrefix = uniqueRedisPrefix("ratelimit");
    const replicaA = createRateLimiter({ ...config, keyPrefix }, { redis, logger });
    const replicaB = createRateLimiter({ ...config, keyPrefix }, { redis, logger });
    await replicaA.consume(officer("shared"), "10.0.0.1");
    await replicaB.consume(officer("shared"), "10.0.0.1");
    await replicaA.consume(officer("shared"), "10.0.0.1");
    await expect(replicaB.consume(officer("shared"), "10.0.0.1")).rejects.toMatchObject({
      extensions: { code: "RATE_LIMITED" },
    });
    await redis.del(`${keyPrefix}:default:sub:${sha256("shared")}`);
  });

  it("keep serving, and limiting, from memory while Redis is down", async () => {
    const down = client(`redis://127.0.0.1:${await freePort()}`);
    const limiter = createRateLimiter(
      { ...config, keyPrefix: uniqueRedisPrefix("ratelimit-down") },
      { redis: down, logger },
    );
    const started = performance.now();
    for (let i = 0; i < 3; i += 1) await limiter.consume(officer("during-outage"), "10.0.0.1");
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(limiter.consume(officer("during-outage"), "10.0.0.1")).rejects.toMatchObject({
      extensions: { code: "RATE_LIMITED" },
    });
  });
});
