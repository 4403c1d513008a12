// The stores' tag index: a purge by tag deletes exactly the entries stored with the tag (or with its type tag, which a
// subgraph sends instead of the keys when they are personal or too many), in memory and on Redis, where the tag sets
// live at least as long as their entries.
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tagIndexKey } from "../../../gateway/cacheStore/redisTagIndex.ts";
import { type CacheStore, createCacheStore } from "../../../gateway/cacheStore/store.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { redisUrl, uniqueRedisPrefix } from "../../support/index.ts";

const logger = pino({ level: "silent" });

async function fill(store: CacheStore) {
  await store.mset([
    { key: "a", value: 1, ttlSeconds: 60, tags: ["province:40", "commune:40001"] },
    { key: "b", value: 2, ttlSeconds: 600, tags: ["province:40"] },
    { key: "c", value: 3, ttlSeconds: 60, tags: ["province:01"] },
    { key: "d", value: 4, ttlSeconds: 60, tags: ["commune"] },
    { key: "e", value: 5, ttlSeconds: 60 },
  ]);
}

async function present(store: CacheStore): Promise<string[]> {
  const keys = ["a", "b", "c", "d", "e"];
  const found = await store.mget(keys);
  return keys.filter((_, i) => found[i]!.status === "hit");
}

function examples(make: () => CacheStore) {
  it("deletes the entries carrying a tag and keeps the others", async () => {
    const store = make();
    await fill(store);
    expect(await store.purgeTags(["province:40"])).toBe(2);
    expect(await present(store)).toEqual(["c", "d", "e"]);
  });

  it("takes the entries tagged with the type alone when one entity of the type is purged", async () => {
    const store = make();
    await fill(store);
    expect(await store.purgeTags(["commune:40009"])).toBe(1);
    expect(await present(store)).toEqual(["a", "b", "c", "e"]);
  });

  it("indexes afresh what is stored after a purge of everything", async () => {
    const store = make();
    await fill(store);
    await store.purge("");
    expect(await present(store)).toEqual([]);
    await store.mset([{ key: "b", value: 2, ttlSeconds: 60, tags: ["province:01"] }]);
    expect(await store.purgeTags(["province:40"])).toBe(0);
    expect(await present(store)).toEqual(["b"]);
    expect(await store.purgeTags(["province:01"])).toBe(1);
    expect(await present(store)).toEqual([]);
  });
}

describe("in-memory tag index", () => {
  const make = () =>
    createCacheStore({
      redis: null,
      layer: "entity",
      maxEntries: 100,
      metrics: createGatewayMetrics(),
      logger,
    });
  examples(make);

  // On Redis the index is append-only within its TTL: a rewritten entry also goes with its earlier tags (one extra miss).
  it("forgets the old tags of a replaced entry", async () => {
    const store = make();
    await fill(store);
    await store.set("c", 30, 60);
    expect(await store.purgeTags(["province:01"])).toBe(0);
    expect(await present(store)).toContain("c");
  });
});

describe("Redis tag index", () => {
  let redis: Redis;
  const prefix = uniqueRedisPrefix("tag-index");
  beforeAll(async () => {
    redis = new Redis(redisUrl(), { keyPrefix: prefix, maxRetriesPerRequest: 1 });
    await redis.ping();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    const cleaner = new Redis(redisUrl());
    if (keys.length > 0) await cleaner.unlink(...keys);
    for (const client of [cleaner, redis, ...clients]) await client.quit();
  });

  let run = 0;
  const clients: Redis[] = [];
  const make = () =>
    createCacheStore({
      redis,
      layer: "entity",
      maxEntries: 1,
      metrics: createGatewayMetrics(),
      logger,
      commandTimeoutMs: 2000,
    });
  // Each example in its own namespace: the layer's keys are the same, so a sub-prefix keeps them apart.
  examples(() => {
    run += 1;
    const isolated = new Redis(redisUrl(), { keyPrefix: `${prefix}${run}:`, maxRetriesPerRequest: 1 });
    clients.push(isolated);
    return createCacheStore({
      redis: isolated,
      layer: "entity",
      maxEntries: 1,
      metrics: createGatewayMetrics(),
      logger,
      commandTimeoutMs: 2000,
    });
  });

  it("keeps a tag set at least as long as its longest-lived entry", async () => {
    const store = make();
    await fill(store);
    const ttl = await redis.ttl(tagIndexKey("lienthong:entity:", "province:40"));
    expect(ttl).toBeGreaterThan(60);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it("never shortens a tag set's life for a shorter-lived entry written later", async () => {
    const store = make();
    await fill(store);
    await store.mset([{ key: "f", value: 6, ttlSeconds: 30, tags: ["province:40", "commune:40002"] }]);
    expect(await redis.ttl(tagIndexKey("lienthong:entity:", "province:40"))).toBeGreaterThan(60);
    const newSet = await redis.ttl(tagIndexKey("lienthong:entity:", "commune:40002"));
    expect(newSet).toBeGreaterThan(0);
    expect(newSet).toBeLessThanOrEqual(30);
    expect(await store.purgeTags(["province:40"])).toBe(3);
  });
});
