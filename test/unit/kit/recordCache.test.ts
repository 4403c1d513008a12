import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RedisClient } from "../../../common/redis.ts";
import { createLogger } from "../../../subgraphs/kit/logger.ts";
import { createSubgraphMetrics } from "../../../subgraphs/kit/metrics.ts";
import { createRecordCache } from "../../../subgraphs/kit/recordCache.ts";
import { createRedisClient } from "../../../subgraphs/kit/redis.ts";
import { freePort, metricValue } from "../../support/index.ts";

const logger = createLogger("test", "silent");

describe("record cache", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("keeps records in a bounded in-memory LRU when no Redis is configured", async () => {
    const cache = createRecordCache({ maxEntries: 2, metrics: createSubgraphMetrics("t"), logger });
    await cache.mset(
      [
        ["k:v:a", { id: "a" }],
        ["k:v:b", { id: "b" }],
        ["k:v:c", { id: "c" }],
      ],
      60,
    );
    expect(await cache.mget(["k:v:a", "k:v:b", "k:v:c"])).toEqual([undefined, { id: "b" }, { id: "c" }]);
  });

  it("is a miss for everything when turned off", async () => {
    const cache = createRecordCache({
      enabled: false,
      maxEntries: 10,
      metrics: createSubgraphMetrics("t"),
      logger,
    });
    await cache.mset([["k:v:a", { id: "a" }]], 60);
    expect(await cache.mget(["k:v:a"])).toEqual([undefined]);
  });

  it("answers misses at once, and counts errors, when Redis is unreachable", async () => {
    const port = await freePort();
    const redis = createRedisClient(
      { mode: "single", url: `redis://127.0.0.1:${port}` },
      { commandTimeoutMs: 100, logger },
    );
    cleanups.push(() => redis.disconnect());
    const metrics = createSubgraphMetrics("t");
    const cache = createRecordCache({ redis, maxEntries: 10, commandTimeoutMs: 100, metrics, logger });
    const started = Date.now();
    expect(await cache.mget(["k:v:a", "k:v:b"])).toEqual([undefined, undefined]);
    await cache.mset([["k:v:a", { id: "a" }]], 60);
    expect(Date.now() - started).toBeLessThan(100);
    expect(await metricValue(metrics.registry, "lienthong_redis_errors_total", { operation: "mget" })).toBe(
      1,
    );
    expect(
      await metricValue(metrics.registry, "lienthong_record_cache_lookups_total", { result: "error" }),
    ).toBe(2);
  });

  it("answers misses within the command timeout when Redis accepts connections but never answers", async () => {
    const sockets: Socket[] = [];
    const hung: Server = createServer((socket) => {
      sockets.push(socket);
      // Answer the connection handshake's commands never: ioredis sees a connected but silent server.
    });
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const port = (hung.address() as { port: number }).port;
    let redis: RedisClient | null = null;
    cleanups.push(async () => {
      redis?.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    });
    redis = createRedisClient(
      { mode: "single", url: `redis://127.0.0.1:${port}` },
      { commandTimeoutMs: 50, logger },
    );
    const cache = createRecordCache({
      redis,
      maxEntries: 10,
      commandTimeoutMs: 50,
      metrics: createSubgraphMetrics("t"),
      logger,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    expect(await cache.mget(["k:v:a"])).toEqual([undefined]);
    await cache.mset([["k:v:a", { id: "a" }]], 60);
    expect(Date.now() - started).toBeLessThan(400);
  });
});
