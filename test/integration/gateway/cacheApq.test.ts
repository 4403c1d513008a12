import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueRedisPrefix } from "../../support/index.ts";
import {
  type CacheGateway,
  type CacheSubgraphs,
  startCacheGateway,
  startCacheSubgraphs,
} from "./cacheStack.fixture.ts";

const QUERY = '{ province(code: "01") { code name } }';
const persisted = {
  extensions: {
    persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(QUERY).digest("hex") },
  },
};

describe("automatic persisted queries in Redis", () => {
  let subgraphs: CacheSubgraphs;
  const replicas: CacheGateway[] = [];

  beforeAll(async () => {
    subgraphs = await startCacheSubgraphs();
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await subgraphs.stop();
  });

  it("lets every replica answer a hash registered on one of them", async () => {
    // Two gateway processes' worth of state sharing one Redis namespace, as replicas behind a load balancer would.
    const redisKeyPrefix = uniqueRedisPrefix("gateway-apq");
    replicas.push(await startCacheGateway(subgraphs, { redisKeyPrefix }));
    replicas.push(await startCacheGateway(subgraphs, { redisKeyPrefix }));
    const [first, second] = replicas as [CacheGateway, CacheGateway];

    const unknown = await first.post(persisted);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect((await first.post({ query: QUERY, ...persisted })).body.data).toEqual({
      province: { code: "01", name: "Hà Nội" },
    });
    expect((await second.post(persisted)).body).toEqual({
      data: { province: { code: "01", name: "Hà Nội" } },
    });
  });

  it("answers a registered hash's persisted GET from the response cache, and still refuses a GET without a preflight header", async () => {
    // The IOC dashboard's refresh (examples/ioc-dashboard/persistedQuery.js): the hash in the URL, no query text.
    const gateway = await startCacheGateway(subgraphs, {
      redisKeyPrefix: uniqueRedisPrefix("gateway-apq-get"),
    });
    replicas.push(gateway);
    const registered = await gateway.post({ query: QUERY, ...persisted });
    expect(registered.xCache).toBe("MISS");
    const params = { extensions: JSON.stringify(persisted.extensions) };
    const refresh = await gateway.get(params, { "apollo-require-preflight": "true" });
    expect(refresh).toMatchObject({ status: 200, xCache: "HIT", body: registered.body });
    expect(refresh.headers.get("cache-control")).toMatch(
      /^max-age=\d+, (stale-while-revalidate=\d+, )?public$/,
    );
    // Served from cache or not, a GET a plain <img> could have sent is Apollo Server's CSRF refusal.
    const forged = await gateway.get(params);
    expect(forged.status).toBe(400);
    expect(forged.xCache).not.toBe("HIT");
    expect(JSON.stringify(forged.body)).toContain("Cross-Site Request Forgery");
  });

  it("refuses persisted queries altogether with APQ_CACHE=off", async () => {
    const off = await startCacheGateway(subgraphs, { env: { APQ_CACHE: "off" } });
    replicas.push(off);
    const answer = await off.post({ query: QUERY, ...persisted });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_SUPPORTED");
  });
});
