import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { createCacheVersion } from "../../../gateway/cacheStore/cacheVersion.ts";
import { createGatewayContext } from "../../../gateway/context.ts";
import { SubgraphFetchError } from "../../../gateway/fetch/errors.ts";
import type { CachePolicy, SubgraphFetch, SubgraphResult } from "../../../gateway/fetch/pipeline.ts";
import { createRootFetchCacheStep } from "../../../gateway/fetchCache/rootFetchCache.ts";
import { memoryStore } from "./memoryStore.ts";

const logger = pino({ level: "silent" });
const QUERY = "query Portal__reporting__0($commune:ID!){commune(code:$commune){code name}}";
const version = createCacheVersion({});
const officer: Caller = { sub: "officer-alice", scopes: ["dossier:read"], province: "40", commune: null };
const otherOfficer: Caller = { ...officer, sub: "officer-bob" };
const anonymous: Caller = { sub: null, scopes: [], province: null, commune: null };

/** A subgraph answering `commune` with a name that counts its calls, so a cached answer is told from a fresh one. */
function fakeSubgraph(options: { policy?: CachePolicy | null; errors?: boolean; delayMs?: number } = {}) {
  let calls = 0;
  let down = false;
  const next = async (fetch: SubgraphFetch): Promise<SubgraphResult> => {
    if (down) throw new SubgraphFetchError("reporting", "connection", "refused");
    calls += 1;
    const call = calls;
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    return {
      body: {
        data: { commune: { code: fetch.request.variables?.commune, name: `answer ${call}` } },
        ...(options.errors ? { errors: [{ message: "partly failed", path: ["commune", "name"] }] } : {}),
      },
      cachePolicy: options.policy === undefined ? { maxAge: 60, scope: "PUBLIC" } : options.policy,
    };
  };
  return {
    next,
    calls: () => calls,
    goDown: () => {
      down = true;
    },
  };
}

function rootFetch(caller: Caller = anonymous, commune = "16681", kind: SubgraphFetch["kind"] = "query") {
  return {
    subgraph: "reporting",
    url: "http://reporting.invalid/graphql",
    kind,
    request: { query: QUERY, variables: { commune } },
    context: createGatewayContext({ requestId: "r", caller, logger }),
  } satisfies SubgraphFetch;
}

function step(subgraph: ReturnType<typeof fakeSubgraph>, staleIfErrorSeconds = 0) {
  return createRootFetchCacheStep({ version, store: memoryStore(), staleIfErrorSeconds })(subgraph.next);
}

/** Lets the step's unawaited cache write land. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("root-field fetch cache step", () => {
  it("answers a repeated fetch from the cache, with the remaining lifetime as its policy", async () => {
    const subgraph = fakeSubgraph();
    const handler = step(subgraph);
    const first = await handler(rootFetch());
    await settle();
    const fetch = rootFetch();
    const second = await handler(fetch);

    expect(subgraph.calls()).toBe(1);
    expect(second.body).toEqual({ data: first.body.data });
    expect(second.cachePolicy).toEqual({ maxAge: expect.any(Number), scope: "PUBLIC" });
    expect(second.cachePolicy!.maxAge).toBeGreaterThan(58);
    expect(second.cacheOutcome).toBe("hit");
    expect(fetch.context.cacheOutcomes.rootFetch).toBe("hit");
  });

  it("keeps answers to other variables and other visibility classes apart", async () => {
    const subgraph = fakeSubgraph();
    const handler = step(subgraph);
    await handler(rootFetch(anonymous, "16681"));
    await settle();
    const otherCommune = await handler(rootFetch(anonymous, "16682"));
    const otherClass = await handler(rootFetch(officer, "16681"));

    expect(subgraph.calls()).toBe(3);
    expect(otherCommune.body.data).toEqual({ commune: { code: "16682", name: "answer 2" } });
    expect(otherClass.cacheOutcome).toBe("miss");
  });

  it("keeps a PRIVATE answer for its own caller only, and never for anonymous callers", async () => {
    const subgraph = fakeSubgraph({ policy: { maxAge: 30, scope: "PRIVATE" } });
    const handler = step(subgraph);
    await handler(rootFetch(officer));
    await settle();
    const mine = await handler(rootFetch(officer));
    const bobs = await handler(rootFetch(otherOfficer));
    await handler(rootFetch(anonymous));
    await settle();
    await handler(rootFetch(anonymous));

    expect(mine.body.data).toEqual({ commune: { code: "16681", name: "answer 1" } });
    expect(mine.cachePolicy?.scope).toBe("PRIVATE");
    expect(bobs.body.data).toEqual({ commune: { code: "16681", name: "answer 2" } });
    expect(subgraph.calls()).toBe(4);
  });

  it("stores nothing marked no-store, without a hint, or with errors", async () => {
    for (const options of [
      { policy: { maxAge: 0, scope: "PRIVATE" } as CachePolicy },
      { policy: null },
      { errors: true },
    ]) {
      const subgraph = fakeSubgraph(options);
      const handler = step(subgraph);
      await handler(rootFetch(officer));
      await settle();
      await handler(rootFetch(officer));
      expect(subgraph.calls()).toBe(2);
    }
  });

  it("sends mutations every time", async () => {
    const subgraph = fakeSubgraph();
    const handler = step(subgraph);
    await handler(rootFetch(anonymous, "16681", "mutation"));
    await settle();
    await handler(rootFetch(anonymous, "16681", "mutation"));
    expect(subgraph.calls()).toBe(2);
  });

  it("shares one subgraph call among concurrent identical PUBLIC misses, but a PRIVATE one only with its caller", async () => {
    const publicSubgraph = fakeSubgraph({ delayMs: 20 });
    const publicHandler = step(publicSubgraph);
    await Promise.all([publicHandler(rootFetch(officer)), publicHandler(rootFetch(otherOfficer))]);
    expect(publicSubgraph.calls()).toBe(1);

    const privateSubgraph = fakeSubgraph({ delayMs: 20, policy: { maxAge: 30, scope: "PRIVATE" } });
    const privateHandler = step(privateSubgraph);
    const [alice, bob] = await Promise.all([
      privateHandler(rootFetch(officer)),
      privateHandler(rootFetch(otherOfficer)),
    ]);
    expect(privateSubgraph.calls()).toBe(2);
    expect(alice.body.data).not.toEqual(bob.body.data);
  });

  describe("stale-if-error", () => {
    it("answers with an expired PUBLIC copy when the subgraph is down, and makes it uncacheable", async () => {
      const subgraph = fakeSubgraph({ policy: { maxAge: 1, scope: "PUBLIC" } });
      const handler = step(subgraph, 300);
      const fresh = await handler(rootFetch());
      await settle();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      subgraph.goDown();

      const stale = await handler(rootFetch());

      expect(stale.body.data).toEqual(fresh.body.data);
      expect(stale.cachePolicy).toEqual({ maxAge: 0, scope: "PUBLIC" });
      expect(stale.cacheOutcome).toBe("stale");
    });

    it("never serves a PRIVATE copy stale, and fails when stale serving is off", async () => {
      for (const [policy, staleSeconds] of [
        [{ maxAge: 1, scope: "PRIVATE" }, 300],
        [{ maxAge: 1, scope: "PUBLIC" }, 0],
      ] as const) {
        const subgraph = fakeSubgraph({ policy });
        const handler = step(subgraph, staleSeconds);
        await handler(rootFetch(officer));
        await settle();
        await new Promise((resolve) => setTimeout(resolve, 1100));
        subgraph.goDown();
        await expect(handler(rootFetch(officer))).rejects.toBeInstanceOf(SubgraphFetchError);
      }
    });
  });
});
