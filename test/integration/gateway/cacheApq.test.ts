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

  it("refuses persisted queries altogether with APQ_CACHE=off", async () => {
    const off = await startCacheGateway(subgraphs, { env: { APQ_CACHE: "off" } });
    replicas.push(off);
    const answer = await off.post({ query: QUERY, ...persisted });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_SUPPORTED");
  });
});
