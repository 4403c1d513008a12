import { rootFetchKey } from "../cacheStore/keys.ts";
import { SubgraphFetchError } from "../fetch/errors.ts";
import type { FetchStep, SubgraphResult } from "../fetch/pipeline.ts";
import type { FetchCacheOptions } from "./fetchCacheOptions.ts";
import { recordOutcome } from "./outcomes.ts";
import { revalidateInBackground } from "./revalidation.ts";
import { createSharedFetch } from "./sharedFetch.ts";
import {
  isRevalidatable,
  isStorable,
  lookupSlots,
  remainingPolicy,
  slotEntries,
  storedValue,
} from "./slots.ts";

type Data = SubgraphResult["body"]["data"];

/**
 * Whole-fetch cache for root-field queries (Apollo Router's root-field response caching): each fetch of a plan is
 * cached with its own subgraph's hint, so a PRIVATE part of an operation no longer sends its PUBLIC parts back to the
 * subgraphs. `_entities` fetches are the entity cache's; mutations always go out.
 */
export function createRootFetchCacheStep(options: FetchCacheOptions): FetchStep {
  const {
    store,
    version,
    staleIfErrorSeconds: staleSeconds = 0,
    staleWhileRevalidateSeconds,
    metrics,
  } = options;

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
      if (stored && isRevalidatable(stored, now) && !context.revalidating) {
        recordOutcome(context, "rootFetch", "stale");
        void revalidateInBackground(store, `${key}:${stored.expiresAt}`, context, metrics, async () => {
          storeResult(await fetchShared(fetch));
        });
        // Served at once; uncacheable, so no response is stored with data past its freshness.
        return {
          body: { data: stored.value },
          cachePolicy: { maxAge: 0, scope: "PUBLIC" },
          tags: stored.tags ?? [],
          cacheOutcome: "stale",
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
      storeResult(result);
      return { ...result, cacheOutcome };

      function storeResult(fetched: SubgraphResult): void {
        if (!isStorable(fetched.cachePolicy, sub) || fetched.body.errors?.length || !fetched.body.data)
          return;
        // Not awaited: the answer need not wait for the cache write, and the store never rejects.
        void store.mset(
          slotEntries(key, fetched.body.data, {
            policy: fetched.cachePolicy,
            sub,
            staleSeconds,
            staleWhileRevalidateSeconds,
            tags: fetched.tags,
            computedSince: fetched.readSince,
          }),
        );
      }
    };
  };
}
