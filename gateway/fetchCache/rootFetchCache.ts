import { rootFetchKey } from "../cacheStore/keys.ts";
import { SubgraphFetchError } from "../fetch/errors.ts";
import type { FetchStep, SubgraphResult } from "../fetch/pipeline.ts";
import type { FetchCacheOptions } from "./fetchCacheOptions.ts";
import { recordOutcome } from "./outcomes.ts";
import { createSharedFetch } from "./sharedFetch.ts";
import { isStorable, lookupSlots, remainingPolicy, slotEntries, storedValue } from "./slots.ts";

type Data = SubgraphResult["body"]["data"];

/**
 * Whole-fetch cache for root-field queries (Apollo Router's root-field response caching): each fetch of a plan is
 * cached with its own subgraph's hint, so a PRIVATE part of an operation no longer sends its PUBLIC parts back to the
 * subgraphs. `_entities` fetches are the entity cache's; mutations always go out.
 */
export function createRootFetchCacheStep(options: FetchCacheOptions): FetchStep {
  const { store, version, staleIfErrorSeconds: staleSeconds = 0 } = options;

  return (next) => {
    const fetchShared = createSharedFetch(next);
    return async (fetch) => {
      if (fetch.kind !== "query") return next(fetch);
      const { context } = fetch;
      const sub = context.caller.sub;
      const key = rootFetchKey({
        version: version.current(),
        subgraph: fetch.subgraph,
        query: fetch.request.query,
        variables: fetch.request.variables,
        visibilityClass: context.visibilityClass,
      });
      const [lookup] = await lookupSlots<Data>(store, [key], sub);
      const stored = storedValue(lookup!);
      const now = Date.now();
      if (stored && stored.expiresAt > now) {
        recordOutcome(context, "rootFetch", "hit");
        return {
          body: { data: stored.value },
          cachePolicy: remainingPolicy(stored, now),
          tags: stored.tags ?? [],
          cacheOutcome: "hit",
        };
      }
      let result: SubgraphResult;
      try {
        result = await fetchShared(fetch);
      } catch (error) {
        if (!(error instanceof SubgraphFetchError) || stored?.scope !== "PUBLIC") throw error;
        recordOutcome(context, "rootFetch", "stale");
        // Served, but never stored in any cache: the next request asks the subgraph again.
        return {
          body: { data: stored.value },
          cachePolicy: { maxAge: 0, scope: "PUBLIC" },
          tags: stored.tags ?? [],
          cacheOutcome: "stale",
        };
      }
      const cacheOutcome = lookup!.status === "error" ? "bypass" : "miss";
      recordOutcome(context, "rootFetch", cacheOutcome);
      if (isStorable(result.cachePolicy, sub) && !result.body.errors?.length && result.body.data) {
        // Not awaited: the answer need not wait for the cache write, and the store never rejects.
        void store.mset(
          slotEntries(key, result.body.data, {
            policy: result.cachePolicy,
            sub,
            staleSeconds,
            tags: result.tags,
          }),
        );
      }
      return { ...result, cacheOutcome };
    };
  };
}
