// The fetch caches keep the subgraphs' cache tags with what they store: a hit reports them (so the response built on
// it is tagged too), and a purge by tag deletes exactly the entries that carry one.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ANONYMOUS } from "../../../common/caller.ts";
import { createCacheVersion } from "../../../gateway/cacheStore/cacheVersion.ts";
import { createGatewayContext } from "../../../gateway/context.ts";
import type { SubgraphFetch, SubgraphResult } from "../../../gateway/fetch/pipeline.ts";
import { createEntityCacheStep } from "../../../gateway/fetchCache/entityCache.ts";
import { createRootFetchCacheStep } from "../../../gateway/fetchCache/rootFetchCache.ts";
import { memoryStore } from "./memoryStore.ts";

const logger = pino({ level: "silent" });
const version = createCacheVersion({});
const QUERY =
  "query($representations:[_Any!]!){_entities(representations:$representations){...on Commune{name province{code}}}}";

/** Tags each commune and the province every commune nests, as a kit subgraph does for the whole fetch. */
function taggingSubgraph() {
  const seen: string[][] = [];
  const next = async (fetch: SubgraphFetch): Promise<SubgraphResult> => {
    const reps = (fetch.request.variables?.representations ?? []) as { code: string }[];
    seen.push(reps.map((rep) => rep.code));
    return {
      body: {
        data: { _entities: reps.map((rep) => ({ name: `commune ${rep.code}`, province: { code: "40" } })) },
      },
      cachePolicy: { maxAge: 60, scope: "PUBLIC" },
      tags: [...reps.map((rep) => `commune:${rep.code}`), "province:40"],
    };
  };
  return { next, seen };
}

function entitiesFetch(codes: string[]): SubgraphFetch {
  return {
    subgraph: "population",
    url: "http://population.invalid/graphql",
    kind: "entities",
    request: {
      query: QUERY,
      variables: { representations: codes.map((code) => ({ __typename: "Commune", code })) },
    },
    context: createGatewayContext({ requestId: "r", caller: ANONYMOUS, logger }),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("entity cache and cache tags", () => {
  it("tags each entity with its own tag and what it nests, not with its siblings'", async () => {
    const store = memoryStore();
    const subgraph = taggingSubgraph();
    const handler = createEntityCacheStep({ store, version })(subgraph.next);
    const miss = await handler(entitiesFetch(["40001", "40002", "40003"]));
    expect(miss.tags).toEqual(expect.arrayContaining(["commune:40001", "commune:40002", "province:40"]));
    await settle();
    const hit = await handler(entitiesFetch(["40002"]));
    expect(hit.cacheOutcome).toBe("hit");
    expect([...(hit.tags ?? [])].sort()).toEqual(["commune:40002", "province:40"]);

    // A purge of one commune deletes that commune's entry only; one of the province, every commune nesting it.
    expect(await store.purgeTags(["commune:40002"])).toBe(1);
    await handler(entitiesFetch(["40001", "40002", "40003"]));
    expect(subgraph.seen.at(-1)).toEqual(["40002"]);
    await settle();
    expect(await store.purgeTags(["province:40"])).toBe(3);
  });

  it("reports a root-field hit's stored tags", async () => {
    const store = memoryStore();
    const next = async (): Promise<SubgraphResult> => ({
      body: { data: { province: { code: "40" } } },
      cachePolicy: { maxAge: 60, scope: "PUBLIC" },
      tags: ["province:40"],
    });
    const handler = createRootFetchCacheStep({ store, version })(next);
    const fetch = (): SubgraphFetch => ({
      subgraph: "reporting",
      url: "http://reporting.invalid/graphql",
      kind: "query",
      request: { query: '{ province(code: "40") { code } }' },
      context: createGatewayContext({ requestId: "r", caller: ANONYMOUS, logger }),
    });
    await handler(fetch());
    await settle();
    expect(await handler(fetch())).toMatchObject({ cacheOutcome: "hit", tags: ["province:40"] });
    expect(await store.purgeTags(["province:40"])).toBe(1);
    expect((await handler(fetch())).cacheOutcome).toBe("miss");
  });
});

describe("a purge while a fetch is in flight", () => {
  it("leaves what the fetch read before it uncached, so the purged data does not come back", async () => {
    const store = memoryStore();
    const subgraph = taggingSubgraph();
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    // The subgraph reads when asked and answers later: the purge lands in between, as it would during a refresh.
    const slowSubgraph = async (fetch: SubgraphFetch) => {
      const result = await subgraph.next(fetch);
      await answered;
      return result;
    };
    const handler = createEntityCacheStep({ store, version })(slowSubgraph);
    const inFlight = handler(entitiesFetch(["40001"]));
    await settle();
    await store.purgeTags(["commune:40001"]);
    answer();
    expect((await inFlight).body.data?._entities).toEqual([
      { name: "commune 40001", province: { code: "40" } },
    ]);
    await settle();
    await handler(entitiesFetch(["40001"]));
    expect(subgraph.seen).toEqual([["40001"], ["40001"]]);
    // Read after the purge, the second answer is stored: the one after it is a hit.
    await settle();
    expect((await handler(entitiesFetch(["40001"]))).cacheOutcome).toBe("hit");
  });
});
