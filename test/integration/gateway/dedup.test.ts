import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import {
  type CacheGateway,
  type CacheSubgraphs,
  startCacheGateway,
  startCacheSubgraphs,
} from "./cacheStack.fixture.ts";

const QUERY = '{ province(code: "40") { code name } }';
const analyst: Caller = { sub: "analyst-1", scopes: ["population:read"], province: "40", commune: null };

describe("inbound deduplication through the gateway", () => {
  let subgraphs: CacheSubgraphs;
  let gateway: CacheGateway | null = null;

  beforeAll(async () => {
    subgraphs = await startCacheSubgraphs();
    subgraphs.units.delayMs = 150;
  });
  afterAll(() => subgraphs.stop());
  beforeEach(() => subgraphs.reset());
  afterEach(async () => {
    await gateway?.stop();
    gateway = null;
  });

  it("makes 50 concurrent identical requests cause one subgraph execution", async () => {
    gateway = await startCacheGateway(subgraphs);
    const gw = gateway;
    const responses = await Promise.all(Array.from({ length: 50 }, () => gw.query(QUERY)));
    expect(subgraphs.units.queries).toHaveLength(1);
    for (const response of responses) {
      expect(response.body).toEqual({ data: { province: { code: "40", name: "Nghệ An" } } });
    }
    expect((await gw.metrics.dedupJoins.get()).values[0]?.value).toBe(49);
  });

  it("executes each of them with DEDUP and RESPONSE_CACHE off", async () => {
    gateway = await startCacheGateway(subgraphs, { env: { DEDUP: "off", RESPONSE_CACHE: "off" } });
    const gw = gateway;
    await Promise.all(Array.from({ length: 10 }, () => gw.query(QUERY)));
    expect(subgraphs.units.queries).toHaveLength(10);
  });

  it("never shares an execution between visibility classes", async () => {
    gateway = await startCacheGateway(subgraphs);
    const gw = gateway;
    await Promise.all([
      gw.query(QUERY),
      gw.query(QUERY, { caller: analyst }),
      gw.query(QUERY),
      gw.query(QUERY, { caller: analyst }),
    ]);
    expect(subgraphs.units.queries).toHaveLength(2);
  });
});
