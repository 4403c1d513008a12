import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCacheStore, purgeClock } from "../../../gateway/cacheStore/store.ts";
import { createGatewayMetrics, type GatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { storedResponseCodec } from "../../../gateway/responseCache/storedResponseCodec.ts";
import { freePort, redisUrl, uniqueRedisPrefix } from "../../support/index.ts";

const logger = pino({ level: "silent" });

async function lookupCount(metrics: GatewayMetrics, layer: string, result: string): Promise<number> {
  const { values } = await metrics.cacheLookups.get();
  return values.find((v) => v.labels.layer === layer && v.labels.result === result)?.value ?? 0;
}

/** The in-memory stand-in used without Redis. */
function memoryStore(layer: "response" | "entity", maxEntries = 10) {
  return createCacheStore({ redis: null, layer, maxEntries, metrics: createGatewayMetrics(), logger });
}

function failFastClient(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 200,
    retryStrategy: () => 200,
  });
}

describe("cache store on a Redis that is down", () => {
  let redis: Redis;
  afterEach(() => redis.disconnect());

  it("answers every lookup as an error (a miss to callers) quickly and counts it", async () => {
    redis = failFastClient(`redis://127.0.0.1:${await freePort()}`);
    redis.on("error", () => {});
    const metrics = createGatewayMetrics();
    const store = createCacheStore({ redis, layer: "response", maxEntries: 10, metrics, logger });
    const started = performance.now();
    expect(await store.get("k")).toEqual({ status: "error" });
    expect(await store.mget(["a", "b"])).toEqual([{ status: "error" }, { status: "error" }]);
    expect(await store.set("k", { a: 1 }, 60)).toBe(false);
    expect(await store.del("k")).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
    expect(await lookupCount(metrics, "response", "error")).toBe(3);
  });
});

describe("cache store on a Redis that accepts connections but never answers", () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let port: number;
  let redis: Redis;

  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    redis.disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("gives up after the command timeout instead of making the request wait", async () => {
    // The handshake never completes, so commands wait in ioredis' offline queue: the slowest Redis there is.
    redis = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 0 });
    redis.on("error", () => {});
    const metrics = createGatewayMetrics();
    const store = createCacheStore({
      redis,
      layer: "entity",
      maxEntries: 10,
      metrics,
      logger,
      commandTimeoutMs: 50,
    });
    const started = performance.now();
    expect(await store.get("slow")).toEqual({ status: "error" });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(300);
    expect(await lookupCount(metrics, "entity", "error")).toBe(1);
  });
});

describe("refresh locks", () => {
  it("are held by one taker until released, in memory", async () => {
    const store = memoryStore("response");
    expect(await store.acquireLock("swr:k:1", 10_000)).toBe(true);
    expect(await store.acquireLock("swr:k:1", 10_000)).toBe(false);
    await store.releaseLock("swr:k:1");
    expect(await store.acquireLock("swr:k:1", 10_000)).toBe(true);
  });
});

describe("cache store on Redis", () => {
  let redis: Redis;
  const prefix = uniqueRedisPrefix("cache-store");

  beforeAll(async () => {
    redis = new Redis(redisUrl(), { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });
  afterAll(async () => {
    for (const layer of ["entity", "response"] as const) {
      await createCacheStore({ redis, layer, maxEntries: 1, metrics: createGatewayMetrics(), logger }).purge(
        "",
      );
    }
    await redis.del("lienthong:#purges:entity", "lienthong:#purges:response");
    redis.disconnect();
  });

  it("stores JSON values with a TTL under lienthong:<layer>: and reads them back", async () => {
    const metrics = createGatewayMetrics();
    const store = createCacheStore({ redis, layer: "entity", maxEntries: 10, metrics, logger });
    expect(await store.set("Commune:a:x", { name: "Phường Vinh" }, 30)).toBe(true);
    expect(await store.mget(["Commune:a:x", "Commune:b:x"])).toEqual([
      { status: "hit", value: { name: "Phường Vinh" } },
      { status: "miss" },
    ]);
    expect(await redis.ttl("lienthong:entity:Commune:a:x")).toBeGreaterThan(25);
    expect(await lookupCount(metrics, "entity", "hit")).toBe(1);
    expect(await lookupCount(metrics, "entity", "miss")).toBe(1);
  });

  it("reads a byte layer's values as the bytes it stored, on Redis as in memory", async () => {
    // The response layer's codec: a hit's body must reach the socket as the UTF-8 it was stored as, never as a string.
    const codec = storedResponseCodec;
    const body = '{"data":{"province":{"name":"Nghệ An","communes":[{"name":"Phường Vinh Phú"}]}}}';
    const entry = { kind: "response", body, operationName: "ProvinceDashboard", cacheTag: "province:40" };
    const stores = [
      createCacheStore({
        redis,
        layer: "response",
        maxEntries: 10,
        codec,
        metrics: createGatewayMetrics(),
        logger,
      }),
      createCacheStore({
        redis: null,
        layer: "response",
        maxEntries: 10,
        codec,
        metrics: createGatewayMetrics(),
        logger,
      }),
    ];
    for (const store of stores) {
      expect(await store.set("q:1", entry, 30)).toBe(true);
      const [hit, miss] = await store.mget<typeof entry>(["q:1", "q:2"]);
      expect(miss).toEqual({ status: "miss" });
      if (hit?.status !== "hit") throw new Error(`expected a hit, got ${hit?.status}`);
      const { body: bytes, ...meta } = hit.value as unknown as { body: Buffer };
      expect(Buffer.isBuffer(bytes)).toBe(true);
      expect(bytes.equals(Buffer.from(body, "utf8"))).toBe(true);
      expect(meta).toEqual({ kind: "response", operationName: "ProvinceDashboard", cacheTag: "province:40" });
    }
    // In Redis the body follows the entry's other fields verbatim, as UTF-8.
    const stored = await redis.getBuffer("lienthong:response:q:1");
    expect(stored?.toString("utf8").endsWith(`\n${body}`)).toBe(true);
  });

  it("purges by prefix, only within its own layer", async () => {
    const metrics = createGatewayMetrics();
    const entities = createCacheStore({ redis, layer: "entity", maxEntries: 10, metrics, logger });
    const responses = createCacheStore({ redis, layer: "response", maxEntries: 10, metrics, logger });
    await entities.mset([
      { key: "Task:1:a", value: 1, ttlSeconds: 30 },
      { key: "Task:2:a", value: 2, ttlSeconds: 30 },
      { key: "Dossier:1:a", value: 3, ttlSeconds: 30 },
    ]);
    await responses.set("Task:1:a", 4, 30);
    expect(await entities.purge("Task:1:")).toBe(1);
    expect(await entities.mget(["Task:1:a", "Task:2:a", "Dossier:1:a"])).toEqual([
      { status: "miss" },
      { status: "hit", value: 2 },
      { status: "hit", value: 3 },
    ]);
    expect(await entities.purge("Task:")).toBe(1);
    expect((await entities.get("Dossier:1:a")).status).toBe("hit");
    expect(await responses.get("Task:1:a")).toEqual({ status: "hit", value: 4 });
  });

  it("refuses, on every replica, a write computed from reads that began before a purge", async () => {
    const metrics = createGatewayMetrics();
    const store = createCacheStore({ redis, layer: "response", maxEntries: 10, metrics, logger });
    const replica = createCacheStore({ redis, layer: "response", maxEntries: 10, metrics, logger });
    const readBeforePurge = purgeClock();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await store.purgeTags(["commune:16681"])).toBe(0);
    // A refresh that read the old data on either replica lands after the purge: stored, it would undo it.
    const stale = { key: "fence:a", value: "old", ttlSeconds: 30, computedSince: readBeforePurge };
    expect(await store.mset([stale])).toBe(false);
    expect(await replica.mset([{ ...stale, key: "fence:b" }])).toBe(false);
    expect(await store.mget(["fence:a", "fence:b"])).toEqual([{ status: "miss" }, { status: "miss" }]);
    // What this replica read after its own purge is stored at once; values without a read time always are.
    expect(await store.mset([{ ...stale, key: "fence:c", value: "new", computedSince: purgeClock() }])).toBe(
      true,
    );
    expect(await replica.set("fence:d", "plain", 30)).toBe(true);
    expect(await replica.mget(["fence:c", "fence:d"])).toEqual([
      { status: "hit", value: "new" },
      { status: "hit", value: "plain" },
    ]);
    expect(await replica.mset([{ ...stale, key: "fence:e", computedSince: purgeClock() }])).toBe(true);
  });

  it("lets a purge take what this process wrote before it, and loses no race to a purge on another replica", async () => {
    const metrics = createGatewayMetrics();
    const store = createCacheStore({ redis, layer: "entity", maxEntries: 10, metrics, logger });
    const replica = createCacheStore({ redis, layer: "entity", maxEntries: 10, metrics, logger });
    // In order, in one process: the write was asked for first, so the purge finds and counts it.
    const tagged = {
      key: "race:own",
      value: 1,
      ttlSeconds: 30,
      tags: ["commune:1"],
      computedSince: purgeClock(),
    };
    const written = store.mset([tagged]);
    expect(await store.purgeTags(["commune:1"])).toBe(1);
    await written;
    expect(await store.get("race:own")).toEqual({ status: "miss" });
    // Across replicas, however a write computed before the purge interleaves with it, the entry does not survive.
    for (let round = 0; round < 20; round++) {
      const key = `race:${round}`;
      const computedSince = purgeClock();
      await Promise.all([
        replica.mset([{ key, value: round, ttlSeconds: 30, tags: [`commune:${round}`], computedSince }]),
        new Promise((resolve) => setTimeout(resolve, round % 4)).then(() =>
          store.purgeTags([`commune:${round}`]),
        ),
      ]);
      expect(await replica.get(key)).toEqual({ status: "miss" });
    }
  });

  it("hands a lock to one taker across clients until it is released", async () => {
    const metrics = createGatewayMetrics();
    const store = createCacheStore({ redis, layer: "response", maxEntries: 10, metrics, logger });
    const replica = createCacheStore({ redis, layer: "response", maxEntries: 10, metrics, logger });
    const taken = await Promise.all([
      store.acquireLock("swr:k:1", 10_000),
      replica.acquireLock("swr:k:1", 10_000),
    ]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    await store.releaseLock("swr:k:1");
    expect(await replica.acquireLock("swr:k:1", 10_000)).toBe(true);
  });
});

describe("in-memory cache store (no Redis configured)", () => {
  it("expires entries after their TTL", async () => {
    const store = memoryStore("response");
    await store.set("short", "s", 0.05);
    await store.set("long", "l", 60);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.mget(["short", "long"])).toEqual([{ status: "miss" }, { status: "hit", value: "l" }]);
  });

  it("keeps at most maxEntries", async () => {
    const store = memoryStore("response", 2);
    await store.mset([
      { key: "a", value: { n: 1 }, ttlSeconds: 60 },
      { key: "b", value: { n: 2 }, ttlSeconds: 60 },
    ]);
    await store.set("c", { n: 3 }, 60);
    expect((await store.mget(["a", "b", "c"])).filter((lookup) => lookup.status === "hit")).toHaveLength(2);
  });

  it("hands out copies, so a caller mutating a value cannot corrupt the cache", async () => {
    const store = memoryStore("entity");
    await store.set("k", { list: [1] }, 60);
    const first = await store.get<{ list: number[] }>("k");
    if (first.status === "hit") first.value.list.push(2);
    expect(await store.get("k")).toEqual({ status: "hit", value: { list: [1] } });
  });

  it("refuses a write computed from reads that began before a purge, and stores the next one", async () => {
    const store = memoryStore("entity");
    const readBeforePurge = purgeClock();
    expect(await store.purge("Commune:")).toBe(0);
    const entry = { key: "Commune:1:a", value: "old", ttlSeconds: 30, computedSince: readBeforePurge };
    expect(await store.mset([entry])).toBe(false);
    expect(await store.get("Commune:1:a")).toEqual({ status: "miss" });
    expect(await store.mset([{ ...entry, value: "new", computedSince: purgeClock() }])).toBe(true);
    expect(await store.get("Commune:1:a")).toEqual({ status: "hit", value: "new" });
  });

  it("purges keys by prefix", async () => {
    const store = memoryStore("entity");
    await store.mset([
      { key: "Commune:1:a", value: 1, ttlSeconds: 60 },
      { key: "Commune:2:a", value: 2, ttlSeconds: 60 },
      { key: "Province:1:a", value: 3, ttlSeconds: 60 },
    ]);
    expect(await store.purge("Commune:")).toBe(2);
    expect((await store.get("Province:1:a")).status).toBe("hit");
  });
});
