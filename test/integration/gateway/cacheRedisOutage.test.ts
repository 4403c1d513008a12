import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CacheGateway,
  type CacheSubgraphs,
  OwnRedis,
  startCacheGateway,
  startCacheSubgraphs,
} from "./cacheStack.fixture.ts";

const DASHBOARD = '{ province(code: "40") { code name communes { code name population } } }';

describe("gateway caches when Redis goes away and comes back", () => {
  let subgraphs: CacheSubgraphs;
  let gateway: CacheGateway;
  const redis = new OwnRedis();

  beforeAll(async () => {
    await redis.start();
    subgraphs = await startCacheSubgraphs();
    gateway = await startCacheGateway(subgraphs, { redisUrl: redis.url });
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraphs.stop();
    await redis.stop();
  });

  it("keeps answering (x-cache BYPASS) while Redis is down and caches again once it is back", async () => {
    const first = await gateway.query(DASHBOARD);
    expect(first.xCache).toBe("MISS");
    expect((await gateway.query(DASHBOARD)).xCache).toBe("HIT");

    await redis.stop();
    subgraphs.reset();
    const started = performance.now();
    const during = await gateway.query(DASHBOARD);
    const elapsed = performance.now() - started;
    expect(during).toMatchObject({ status: 200, xCache: "BYPASS", body: first.body });
    expect(subgraphs.people.entityFetches).toHaveLength(1);
    expect(elapsed).toBeLessThan(1000);
    const { values } = await gateway.metrics.cacheLookups.get();
    expect(
      values.find((v) => v.labels.layer === "response" && v.labels.result === "error")?.value,
    ).toBeGreaterThan(0);

    await redis.start();
    const deadline = Date.now() + 10_000;
    let outcome = "BYPASS";
    while (outcome === "BYPASS" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      outcome = (await gateway.query(DASHBOARD)).xCache ?? "";
    }
    // The restarted Redis is empty: the first request that reaches it misses and stores, the next one hits.
    expect(outcome).toBe("MISS");
    expect(await gateway.query(DASHBOARD)).toMatchObject({ xCache: "HIT", body: first.body });
  });
});
