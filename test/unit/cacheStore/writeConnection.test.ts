// Cache writes travel on a connection of their own, so that a read never waits behind a big write on the same
// connection (Redis answers one connection's commands in order).
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCacheStore } from "../../../gateway/cacheStore/store.ts";
import { writeConnectionOf } from "../../../gateway/cacheStore/writeConnection.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { redisUrl, uniqueRedisPrefix } from "../../support/index.ts";

const logger = pino({ level: "silent" });
const prefix = uniqueRedisPrefix("write-connection");

function client(): Redis {
  return new Redis(redisUrl(), { keyPrefix: prefix, maxRetriesPerRequest: 0 });
}

function entityStore(redis: Redis, commandTimeoutMs = 100) {
  return createCacheStore({
    redis,
    layer: "entity",
    maxEntries: 1,
    metrics: createGatewayMetrics(),
    logger,
    commandTimeoutMs,
  });
}

describe("the cache store's write connection", () => {
  let redis: Redis;

  beforeAll(async () => {
    redis = client();
    await redis.ping();
  });
  afterAll(async () => {
    await entityStore(redis, 2000).purge("");
    await redis.quit();
  });

  it("lets reads answer while writes are held up", async () => {
    const store = entityStore(redis);
    expect(await store.set("Commune:a:x", { name: "Phường Vinh" }, 30)).toBe(true);
    // Hold the write connection for a second: a blocking pop on a list that never fills.
    const held = writeConnectionOf(redis).blpop("never", 1);
    const write = store.set("Commune:b:x", { name: "Xã Nghi Lộc" }, 30);

    const started = performance.now();
    expect(await store.get("Commune:a:x")).toEqual({ status: "hit", value: { name: "Phường Vinh" } });
    expect(performance.now() - started).toBeLessThan(100);

    // The held-up write gave up at the command timeout (a failed cache write, not an error) but still lands.
    expect(await write).toBe(false);
    await held;
    await expect.poll(async () => (await store.get("Commune:b:x")).status).toBe("hit");
  });

  it("has a purge wait for the writes already sent, so none of them outlives it", async () => {
    const store = entityStore(redis);
    const held = writeConnectionOf(redis).blpop("never", 1);
    const write = store.set("Commune:c:x", { name: "Xã Hưng Nguyên" }, 30);
    await store.purge("Commune:");
    expect(await write).toBe(false);
    await held;
    expect(await store.get("Commune:c:x")).toEqual({ status: "miss" });
  });

  it("is one per client, shared by every layer, and ends with the client", async () => {
    const own = client();
    await own.ping();
    const writes = writeConnectionOf(own);
    expect(writeConnectionOf(own)).toBe(writes);
    expect(writes).not.toBe(writeConnectionOf(redis));
    await own.quit();
    await expect.poll(() => writes.status).toBe("end");
  });
});
