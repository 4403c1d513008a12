import { afterEach, describe, expect, it } from "vitest";
import { createRedisClient, type RedisClient } from "../../../common/redis.ts";
import { loadGatewayConfig } from "../../../gateway/config.ts";
import { loadSubgraphConfig } from "../../../subgraphs/kit/config.ts";
import { createLogger } from "../../../subgraphs/kit/logger.ts";
import { createSubgraphMetrics } from "../../../subgraphs/kit/metrics.ts";
import { createRecordCache } from "../../../subgraphs/kit/recordCache.ts";
import { freePort } from "../../support/index.ts";

const SENTINELS = { REDIS_SENTINELS: "10.0.0.1:26379, sentinel-b:26380", REDIS_SENTINEL_NAME: "nghe-an" };

describe("where the gateway and the subgraphs find Redis", () => {
  it("reads a Redis Cluster's nodes and a Sentinel-watched master, the same way in both", () => {
    const cluster = { REDIS_CLUSTER_NODES: "10.0.0.1:7000,10.0.0.2:7001,[::1]:7002" };
    const nodes = [
      { host: "10.0.0.1", port: 7000 },
      { host: "10.0.0.2", port: 7001 },
      { host: "::1", port: 7002 },
    ];
    expect(loadGatewayConfig(cluster).redis.connection).toEqual({ mode: "cluster", nodes });
    expect(loadSubgraphConfig("population", cluster).redis).toEqual({ mode: "cluster", nodes });

    const sentinel = {
      mode: "sentinel",
      name: "nghe-an",
      sentinels: [
        { host: "10.0.0.1", port: 26379 },
        { host: "sentinel-b", port: 26380 },
      ],
    };
    expect(loadGatewayConfig(SENTINELS).redis.connection).toEqual(sentinel);
    expect(loadSubgraphConfig("business", SENTINELS).redis).toEqual(sentinel);
  });

  it("refuses two ways at once, a sentinel set without its master's name, and a node that is not host:port", () => {
    const both = { REDIS_URL: "redis://redis:6379", REDIS_CLUSTER_NODES: "10.0.0.1:7000" };
    expect(() => loadGatewayConfig(both)).toThrow(
      /REDIS_CLUSTER_NODES: set one of REDIS_URL, REDIS_CLUSTER_NODES/,
    );
    expect(() => loadSubgraphConfig("population", both)).toThrow(/REDIS_CLUSTER_NODES: set one of/);
    const nameless = { REDIS_SENTINELS: "10.0.0.1:26379" };
    expect(() => loadGatewayConfig(nameless)).toThrow(/REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/);
    expect(() => loadSubgraphConfig("population", nameless)).toThrow(/REDIS_SENTINEL_NAME: required/);
    expect(() => loadGatewayConfig({ REDIS_CLUSTER_NODES: "10.0.0.1:7000,10.0.0.2" })).toThrow(
      /REDIS_CLUSTER_NODES: "10.0.0.2" is not host:port/,
    );
    expect(() => loadGatewayConfig({ REDIS_URL: "10.0.0.1:6379" })).toThrow(/REDIS_URL: must be a redis:/);
  });

  describe("a Sentinel deployment whose sentinels are down", () => {
    let client: RedisClient | null = null;
    afterEach(() => client?.disconnect());

    it("serves record lookups as misses within the command timeout", async () => {
      const port = await freePort();
      const config = loadSubgraphConfig("population", {
        REDIS_SENTINELS: `127.0.0.1:${port}`,
        REDIS_SENTINEL_NAME: "nghe-an",
      });
      client = createRedisClient(config.redis!, { commandTimeoutMs: 100, connectTimeoutMs: 200 });
      const cache = createRecordCache({
        redis: client,
        maxEntries: 10,
        commandTimeoutMs: 100,
        metrics: createSubgraphMetrics("population"),
        logger: createLogger("test", "silent"),
      });
      const started = Date.now();
      expect(await cache.mget(["population.citizen::040025564807"])).toEqual([undefined]);
      expect(Date.now() - started).toBeLessThan(500);
    });
  });
});
