import type { GraphQLFormattedError } from "graphql";
import { Redis } from "ioredis";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { createCacheVersion } from "../../../gateway/cacheStore/cacheVersion.ts";
import { createCacheStore } from "../../../gateway/cacheStore/store.ts";
import { createGatewayContext } from "../../../gateway/context.ts";
import { SubgraphFetchError } from "../../../gateway/fetch/errors.ts";
import type { CachePolicy, SubgraphFetch, SubgraphResult } from "../../../gateway/fetch/pipeline.ts";
import { createEntityCacheStep } from "../../../gateway/fetchCache/entityCache.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { freePort } from "../../support/index.ts";
import { memoryStore } from "./memoryStore.ts";

const logger = pino({ level: "silent" });
const QUERY =
  "query($representations:[_Any!]!){_entities(representations:$representations){...on Commune{population}}}";
const anonymous: Caller = { sub: null, scopes: [], province: null, commune: null };
const version = createCacheVersion({});

type Rep = { __typename: string; code: string };

/** A subgraph that answers each representation with a population figure, and can fail some of them. */
function fakeSubgraph(
  options: { policy?: CachePolicy | null; failCodes?: string[]; globalError?: boolean } = {},
) {
  const seen: string[][] = [];
  const next = async (fetch: SubgraphFetch): Promise<SubgraphResult> => {
    const reps = fetch.request.variables?.representations as Rep[];
    seen.push(reps.map((rep) => rep.code));
    const errors: GraphQLFormattedError[] = [];
    const entities = reps.map((rep, index) => {
      if (options.failCodes?.includes(rep.code)) {
        errors.push({ message: `no ${rep.code}`, path: ["_entities", index, "population"] });
        return null;
      }
      return { __typename: rep.__typename, population: Number(rep.code) };
    });
    if (options.globalError) errors.push({ message: "something without a path" });
    return {
      body: { data: { _entities: entities }, ...(errors.length > 0 ? { errors } : {}) },
      cachePolicy: options.policy === undefined ? { maxAge: 60, scope: "PUBLIC" } : options.policy,
    };
  };
  return { next, seen };
}

function entitiesFetch(codes: string[], caller: Caller = anonymous): SubgraphFetch {
  return {
    subgraph: "population",
    url: "http://population.invalid/graphql",
    kind: "entities",
    request: {
      query: QUERY,
      variables: { representations: codes.map((code) => ({ __typename: "Commune", code })) },
    },
    context: createGatewayContext({ requestId: "r", caller, logger }),
  };
}

describe("entity cache step", () => {
  it("sends only the missing representations and merges the answer back in the planner's order", async () => {
    const subgraph = fakeSubgraph();
    const handler = createEntityCacheStep({ version, store: memoryStore() })(subgraph.next);
    await handler(entitiesFetch(["40001", "40003"]));
    const fetch = entitiesFetch(["40002", "40001", "40004", "40003"]);
    const result = await handler(fetch);

    expect(subgraph.seen).toEqual([
      ["40001", "40003"],
      ["40002", "40004"],
    ]);
    expect(result.body.data?._entities).toEqual([
      { __typename: "Commune", population: 40002 },
      { __typename: "Commune", population: 40001 },
      { __typename: "Commune", population: 40004 },
      { __typename: "Commune", population: 40003 },
    ]);
    expect(fetch.context.cacheOutcomes.entity).toBe("partial");
  });

  it("answers a fully cached fetch without the subgraph, with the remaining lifetime as its policy", async () => {
    const subgraph = fakeSubgraph({ policy: { maxAge: 30, scope: "PUBLIC" } });
    const handler = createEntityCacheStep({ version, store: memoryStore() })(subgraph.next);
    const first = await handler(entitiesFetch(["40001", "40002"]));
    const fetch = entitiesFetch(["40002", "40001"]);
    const second = await handler(fetch);
    expect(subgraph.seen).toHaveLength(1);
    expect(second.body.data?._entities).toEqual([
      { __typename: "Commune", population: 40002 },
      { __typename: "Commune", population: 40001 },
    ]);
    expect(first.cachePolicy).toEqual({ maxAge: 30, scope: "PUBLIC" });
    expect(second.cachePolicy?.maxAge).toBeGreaterThanOrEqual(29);
    expect(second.cachePolicy?.maxAge).toBeLessThanOrEqual(30);
    expect(fetch.context.cacheOutcomes.entity).toBe("hit");
  });

  it("re-indexes error paths to the original positions and does not cache the entities that failed", async () => {
    const subgraph = fakeSubgraph({ failCodes: ["40004"] });
    const handler = createEntityCacheStep({ version, store: memoryStore() })(subgraph.next);
    await handler(entitiesFetch(["40001"]));
    const result = await handler(entitiesFetch(["40001", "40002", "40004"]));
    expect(subgraph.seen[1]).toEqual(["40002", "40004"]);
    expect(result.body.data?._entities).toEqual([
      { __typename: "Commune", population: 40001 },
      { __typename: "Commune", population: 40002 },
      null,
    ]);
    expect(result.body.errors).toEqual([{ message: "no 40004", path: ["_entities", 2, "population"] }]);

    await handler(entitiesFetch(["40001", "40002", "40004"]));
    expect(subgraph.seen[2]).toEqual(["40004"]);
  });

  it("caches nothing from an answer with an error it cannot pin to one entity, or without a cache hint", async () => {
    for (const options of [
      { globalError: true },
      { policy: null },
      { policy: { maxAge: 0, scope: "PUBLIC" as const } },
    ]) {
      const subgraph = fakeSubgraph(options);
      const handler = createEntityCacheStep({ version, store: memoryStore() })(subgraph.next);
      await handler(entitiesFetch(["40001"]));
      await handler(entitiesFetch(["40001"]));
      expect(subgraph.seen).toEqual([["40001"], ["40001"]]);
    }
  });

  it("keeps PRIVATE entities per caller, and never for anonymous callers", async () => {
    const subgraph = fakeSubgraph({ policy: { maxAge: 30, scope: "PRIVATE" } });
    const handler = createEntityCacheStep({ version, store: memoryStore() })(subgraph.next);
    const alice: Caller = { sub: "alice", scopes: ["population:read"], province: "40", commune: null };
    const bob: Caller = { ...alice, sub: "bob" };

    await handler(entitiesFetch(["40001"], alice));
    await handler(entitiesFetch(["40001"], alice));
    expect(subgraph.seen).toHaveLength(1);
    const forBob = await handler(entitiesFetch(["40001"], bob));
    expect(subgraph.seen).toHaveLength(2);
    expect(forBob.cachePolicy?.scope).toBe("PRIVATE");

    await handler(entitiesFetch(["40002"]));
    await handler(entitiesFetch(["40002"]));
    expect(subgraph.seen).toHaveLength(4);
  });

  it("never shares entities across visibility classes", async () => {
    const subgraph = fakeSubgraph();
    const handler = createEntityCacheStep({ version, store: memoryStore() })(subgraph.next);
    await handler(entitiesFetch(["40001"], { sub: null, scopes: [], province: null, commune: null }));
    await handler(
      entitiesFetch(["40001"], { sub: "x", scopes: ["population:read"], province: "40", commune: null }),
    );
    expect(subgraph.seen).toHaveLength(2);
  });

  it("coalesces concurrent identical misses into one subgraph fetch", async () => {
    const subgraph = fakeSubgraph();
    const slowNext = async (fetch: SubgraphFetch) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return subgraph.next(fetch);
    };
    const handler = createEntityCacheStep({ version, store: memoryStore() })(slowNext);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => handler(entitiesFetch(["40001", "40002"]))),
    );
    expect(subgraph.seen).toHaveLength(1);
    for (const result of results) expect(result.body.data?._entities).toHaveLength(2);
  });

  it.each([
    ["no-store", { policy: { maxAge: 0, scope: "PRIVATE" } }],
    ["errors", { failCodes: ["40002"] }],
  ] as [string, Parameters<typeof fakeSubgraph>[0]][])(
    "does not hand a concurrent miss answered with %s to another caller of the same class",
    async (_, options) => {
      const subgraph = fakeSubgraph(options);
      const slowNext = async (fetch: SubgraphFetch) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return subgraph.next(fetch);
      };
      const handler = createEntityCacheStep({ version, store: memoryStore() })(slowNext);
      const alice: Caller = { sub: "alice", scopes: ["population:read"], province: "40", commune: null };
      const bob: Caller = { ...alice, sub: "bob" };
      await Promise.all([
        handler(entitiesFetch(["40001", "40002"], alice)),
        handler(entitiesFetch(["40001", "40002"], bob)),
        handler(entitiesFetch(["40001", "40002"], alice)),
      ]);
      // Alice's two requests share one fetch; Bob gets his own.
      expect(subgraph.seen).toHaveLength(2);
    },
  );

  it("passes fetches through untouched when Redis is down, and says BYPASS", async () => {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 200,
    });
    redis.on("error", () => {});
    try {
      const store = createCacheStore({
        redis,
        layer: "entity",
        maxEntries: 10,
        metrics: createGatewayMetrics(),
        logger,
      });
      const subgraph = fakeSubgraph();
      const handler = createEntityCacheStep({ version, store })(subgraph.next);
      const fetch = entitiesFetch(["40001", "40002"]);
      const result = await handler(fetch);
      expect(result.body.data?._entities).toHaveLength(2);
      expect(subgraph.seen).toEqual([["40001", "40002"]]);
      expect(fetch.context.cacheOutcomes.entity).toBe("bypass");
    } finally {
      redis.disconnect();
    }
  });

  it("leaves fetches other than _entities alone", async () => {
    const calls: SubgraphFetch[] = [];
    const handler = createEntityCacheStep({ version, store: memoryStore() })(async (fetch) => {
      calls.push(fetch);
      return { body: { data: { provinces: [] } }, cachePolicy: { maxAge: 60, scope: "PUBLIC" } };
    });
    const fetch: SubgraphFetch = {
      ...entitiesFetch([]),
      kind: "query",
      request: { query: "{provinces{code}}" },
    };
    await handler(fetch);
    await handler(fetch);
    expect(calls).toHaveLength(2);
  });

  describe("stale-if-error", () => {
    // A subgraph that answered once with a 1-second hint and then went down.
    function failingAfterFirstAnswer(scope: CachePolicy["scope"] = "PUBLIC") {
      const subgraph = fakeSubgraph({ policy: { maxAge: 1, scope } });
      let calls = 0;
      const next = async (fetch: SubgraphFetch) => {
        calls++;
        if (calls > 1) throw new SubgraphFetchError("population", "connection", "ECONNREFUSED");
        return subgraph.next(fetch);
      };
      return { next, calls: () => calls };
    }
    const pastFreshness = () => new Promise((resolve) => setTimeout(resolve, 1100));

    it("answers with the expired copies when the subgraph is down, and caches nothing of it", async () => {
      const subgraph = failingAfterFirstAnswer();
      const handler = createEntityCacheStep({ version, store: memoryStore(), staleIfErrorSeconds: 60 })(
        subgraph.next,
      );
      await handler(entitiesFetch(["40001", "40004"]));
      await pastFreshness();

      const fetch = entitiesFetch(["40004", "40001"]);
      const result = await handler(fetch);
      expect(subgraph.calls()).toBe(2);
      expect(result.body.data?._entities).toEqual([
        { __typename: "Commune", population: 40004 },
        { __typename: "Commune", population: 40001 },
      ]);
      expect(result.body.errors).toBeUndefined();
      expect(result.cachePolicy).toEqual({ maxAge: 0, scope: "PUBLIC" });
      expect(fetch.context.cacheOutcomes.entity).toBe("stale");
    });

    it("still fails when one missing entity has no stale copy, or when stale serving is off", async () => {
      const subgraph = failingAfterFirstAnswer();
      const handler = createEntityCacheStep({ version, store: memoryStore(), staleIfErrorSeconds: 60 })(
        subgraph.next,
      );
      await handler(entitiesFetch(["40001"]));
      await pastFreshness();
      await expect(handler(entitiesFetch(["40001", "40007"]))).rejects.toThrow(SubgraphFetchError);

      const off = failingAfterFirstAnswer();
      const offHandler = createEntityCacheStep({ version, store: memoryStore() })(off.next);
      await offHandler(entitiesFetch(["40001"]));
      await pastFreshness();
      await expect(offHandler(entitiesFetch(["40001"]))).rejects.toThrow(SubgraphFetchError);
    });

    it("never serves a PRIVATE entity stale", async () => {
      const subgraph = failingAfterFirstAnswer("PRIVATE");
      const officer: Caller = {
        sub: "officer-1",
        scopes: ["population:read"],
        province: "40",
        commune: null,
      };
      const handler = createEntityCacheStep({ version, store: memoryStore(), staleIfErrorSeconds: 60 })(
        subgraph.next,
      );
      await handler(entitiesFetch(["40001"], officer));
      await pastFreshness();
      await expect(handler(entitiesFetch(["40001"], officer))).rejects.toThrow(SubgraphFetchError);
    });
  });
});
