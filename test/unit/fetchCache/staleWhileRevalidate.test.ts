// Stale-while-revalidate in the fetch layer: past freshness and within the window, a PUBLIC copy is served at once and
// exactly one background refresh runs per key and expiry, even for two gateways sharing the store; a request that
// refreshes a stale response treats the copy as a miss; PRIVATE copies are never served stale.
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { ANONYMOUS } from "../../../common/caller.ts";
import { createCacheVersion } from "../../../gateway/cacheStore/cacheVersion.ts";
import { createGatewayContext } from "../../../gateway/context.ts";
import type { CachePolicy, SubgraphFetch, SubgraphResult } from "../../../gateway/fetch/pipeline.ts";
import { createRootFetchCacheStep } from "../../../gateway/fetchCache/rootFetchCache.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { memoryStore } from "./memoryStore.ts";

const logger = pino({ level: "silent" });
const version = createCacheVersion({});
const analyst: Caller = { sub: "a-1", scopes: [], province: null, commune: null };

function countingSubgraph(policy: CachePolicy) {
  let calls = 0;
  const next = async (): Promise<SubgraphResult> => {
    calls += 1;
    return { body: { data: { answer: calls } }, cachePolicy: policy };
  };
  return { next, calls: () => calls };
}

function fetchOf(caller: Caller = ANONYMOUS, revalidating = false): SubgraphFetch {
  const context = createGatewayContext({ requestId: "r", caller, logger });
  context.revalidating = revalidating;
  return {
    subgraph: "reporting",
    url: "http://x.invalid/graphql",
    kind: "query",
    request: { query: "{ answer }" },
    context,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("fetch cache stale-while-revalidate", () => {
  afterEach(() => vi.useRealTimers());

  it("serves the stale copy at once and refreshes it once, across two gateways sharing the store", async () => {
    const store = memoryStore();
    const subgraph = countingSubgraph({ maxAge: 5, scope: "PUBLIC" });
    const metrics = createGatewayMetrics();
    const options = { store, version, staleWhileRevalidateSeconds: 30, metrics };
    const [one, two] = [createRootFetchCacheStep(options), createRootFetchCacheStep(options)].map((step) =>
      step(subgraph.next),
    );
    await one!(fetchOf());
    await settle();
    vi.useFakeTimers({ now: Date.now() + 6000, toFake: ["Date"] });
    const answers = await Promise.all([one!(fetchOf()), two!(fetchOf()), one!(fetchOf())]);
    for (const answer of answers) {
      expect(answer).toMatchObject({
        body: { data: { answer: 1 } },
        cacheOutcome: "stale",
        cachePolicy: { maxAge: 0 },
      });
    }
    await settle();
    expect(subgraph.calls()).toBe(2);
    expect((await metrics.cacheRevalidations.get()).values[0]?.value).toBe(1);
    expect((await metrics.cacheStaleServes.get()).values[0]?.value).toBe(3);
    // The refreshed copy is fresh for everyone.
    expect(await two!(fetchOf())).toMatchObject({ body: { data: { answer: 2 } }, cacheOutcome: "hit" });
  });

  it("is a miss past the window, and for a request refreshing a stale response", async () => {
    const store = memoryStore();
    const subgraph = countingSubgraph({ maxAge: 5, scope: "PUBLIC" });
    const handler = createRootFetchCacheStep({ store, version, staleWhileRevalidateSeconds: 30 })(
      subgraph.next,
    );
    await handler(fetchOf());
    await settle();
    vi.useFakeTimers({ now: Date.now() + 6000, toFake: ["Date"] });
    expect(await handler(fetchOf(ANONYMOUS, true))).toMatchObject({
      body: { data: { answer: 2 } },
      cacheOutcome: "miss",
    });
    vi.useFakeTimers({ now: Date.now() + 60_000, toFake: ["Date"] });
    expect((await handler(fetchOf())).cacheOutcome).toBe("miss");
  });

  it("never serves a PRIVATE copy stale", async () => {
    const store = memoryStore();
    const subgraph = countingSubgraph({ maxAge: 5, scope: "PRIVATE" });
    const handler = createRootFetchCacheStep({ store, version, staleWhileRevalidateSeconds: 30 })(
      subgraph.next,
    );
    await handler(fetchOf(analyst));
    await settle();
    vi.useFakeTimers({ now: Date.now() + 6000, toFake: ["Date"] });
    expect(await handler(fetchOf(analyst))).toMatchObject({
      body: { data: { answer: 2 } },
      cacheOutcome: "miss",
    });
  });
});
