import type { GraphQLFormattedError } from "graphql";
import { entityTag } from "../../common/cacheTags.ts";
import { canonicalJson, entityKeys, sha256 } from "../cacheStore/keys.ts";
import type { CacheLookup } from "../cacheStore/store.ts";
import type { CacheOutcome } from "../context.ts";
import { SubgraphFetchError } from "../fetch/errors.ts";
import type { CachePolicy, FetchStep, SubgraphFetch, SubgraphResult } from "../fetch/pipeline.ts";
import type { FetchCacheOptions } from "./fetchCacheOptions.ts";
import { recordOutcome } from "./outcomes.ts";
import { revalidateInBackground } from "./revalidation.ts";
import { createSharedFetch } from "./sharedFetch.ts";
import {
  isRevalidatable,
  isStorable,
  lookupSlots,
  narrower,
  remainingPolicy,
  type Slot,
  slotEntries,
  storedValue,
} from "./slots.ts";

type Representation = Record<string, unknown>;

/**
 * Per-representation cache for `_entities` fetches (what Apollo Router calls entity caching): every representation
 * is looked up on its own, only the misses go to the subgraph, and the answer is reassembled in the planner's order.
 */
export function createEntityCacheStep(options: FetchCacheOptions): FetchStep {
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
      const representations = fetch.request.variables?.representations;
      if (fetch.kind !== "entities" || !Array.isArray(representations) || representations.length === 0) {
        return next(fetch);
      }
      const { representations: _, ...otherVariables } = fetch.request.variables ?? {};
      // Field arguments travel as variables next to the representations; they shape the answer as much as the selection.
      const selectionHash = sha256(canonicalJson([fetch.request.query, otherVariables]));
      const sub = fetch.context.caller.sub;
      const publicKeys = entityKeys({
        version: version.current(),
        subgraph: fetch.subgraph,
        representations: representations as Representation[],
        selectionHash,
        visibilityClass: fetch.context.visibilityClass,
      });

      const lookups = await lookupSlots<unknown>(store, publicKeys, sub);
      const { entities, missIndexes, cachedPolicy, stale, staleTags, cachedTags, revalidatable } =
        readCached(lookups);
      const cacheOutcome = outcomeOf(lookups, missIndexes.length);
      recordOutcome(fetch.context, "entity", cacheOutcome);
      if (missIndexes.length === 0) {
        return {
          body: { data: { _entities: entities } },
          cachePolicy: cachedPolicy,
          tags: [...cachedTags],
          cacheOutcome,
        };
      }

      const missFetch: SubgraphFetch = {
        ...fetch,
        request: {
          ...fetch.request,
          variables: {
            ...fetch.request.variables,
            representations: missIndexes.map((i) => representations[i]),
          },
        },
      };
      if (!fetch.context.revalidating && missIndexes.every((i) => revalidatable.has(i))) {
        for (const i of missIndexes) {
          entities[i] = stale.get(i);
          for (const tag of staleTags.get(i) ?? []) cachedTags.add(tag);
        }
        recordOutcome(fetch.context, "entity", "stale");
        const generation = sha256(
          missIndexes.map((i) => `${publicKeys[i]}@${revalidatable.get(i)}`).join(","),
        );
        void revalidateInBackground(store, generation, fetch.context, metrics, async () => {
          const refreshed = await fetchShared(missFetch);
          const fetched = refreshed.body.data?._entities;
          if (Array.isArray(fetched) && fetched.length === missIndexes.length) {
            await storeFetched(missFetch, publicKeys, missIndexes, fetched, refreshed);
          }
        });
        // Served at once; uncacheable, so no response is stored with data past its freshness.
        return {
          body: { data: { _entities: entities } },
          cachePolicy: { maxAge: 0, scope: "PUBLIC" },
          tags: [...cachedTags],
          cacheOutcome: "stale",
        };
      }
      let result: SubgraphResult;
      try {
        result = await fetchShared(missFetch);
      } catch (error) {
        if (!(error instanceof SubgraphFetchError) || !missIndexes.every((i) => stale.has(i))) throw error;
        for (const i of missIndexes) entities[i] = stale.get(i);
        fetch.context.cacheOutcomes.entity = "stale";
        // Served, but never stored in any cache: the next request asks the subgraph again.
        for (const i of missIndexes) for (const tag of staleTags.get(i) ?? []) cachedTags.add(tag);
        return {
          body: { data: { _entities: entities } },
          cachePolicy: { maxAge: 0, scope: "PUBLIC" },
          tags: [...cachedTags],
          cacheOutcome: "stale",
        };
      }
      const fetched = result.body.data?._entities;
      const errors = result.body.errors?.map((error) => reindexError(error, missIndexes));
      if (Array.isArray(fetched) && fetched.length === missIndexes.length) {
        missIndexes.forEach((original, position) => {
          entities[original] = fetched[position];
        });
        // Not awaited: the answer need not wait for the cache write, and the store never rejects.
        void storeFetched(missFetch, publicKeys, missIndexes, fetched, result);
      }
      const { errors: _errors, ...bodyWithoutErrors } = result.body;
      return {
        body: {
          ...bodyWithoutErrors,
          data: { ...result.body.data, _entities: entities },
          ...(errors ? { errors } : {}),
        },
        // An uncacheable fetch makes the whole answer uncacheable; otherwise the shortest remaining lifetime wins.
        cachePolicy: result.cachePolicy && narrower(cachedPolicy, result.cachePolicy),
        tags: [...new Set([...cachedTags, ...(result.tags ?? [])])],
        cacheOutcome,
      };
    };
  };

  async function storeFetched(
    missFetch: SubgraphFetch,
    publicKeys: readonly string[],
    missIndexes: readonly number[],
    fetched: readonly unknown[],
    result: SubgraphResult,
  ): Promise<void> {
    const policy = result.cachePolicy;
    const sub = missFetch.context.caller.sub;
    if (!isStorable(policy, sub)) return;
    const failed = failedPositions(result.body.errors);
    if (failed === "all") return;
    const now = Date.now();
    const tagsOf = entityTagsOf(
      missFetch.request.variables?.representations as Representation[],
      result.tags,
    );
    const entries = missIndexes.flatMap((original, position) => {
      const entity = fetched[position];
      if (entity === null || entity === undefined || failed.has(position)) return [];
      return slotEntries(publicKeys[original]!, entity, {
        policy,
        sub,
        staleSeconds,
        staleWhileRevalidateSeconds,
        tags: tagsOf(position),
        now,
        computedSince: result.readSince,
      });
    });
    await store.mset(entries);
  }
}

/**
 * The fresh cached entities in place (null where missing), the positions still to fetch, the hits' remaining policy,
 * and the expired PUBLIC copies by position, kept for stale-if-error.
 */
function readCached(lookups: readonly CacheLookup<Slot<unknown>>[]) {
  const now = Date.now();
  const entities: unknown[] = new Array(lookups.length).fill(null);
  const missIndexes: number[] = [];
  const stale = new Map<number, unknown>();
  const staleTags = new Map<number, readonly string[]>();
  const cachedTags = new Set<string>();
  /** Positions of stale copies within their stale-while-revalidate window, with their expiry (the generation). */
  const revalidatable = new Map<number, number>();
  let cachedPolicy: CachePolicy | null = null;
  for (const [index, lookup] of lookups.entries()) {
    const stored = storedValue(lookup);
    if (stored && stored.expiresAt > now) {
      entities[index] = stored.value;
      cachedPolicy = narrower(cachedPolicy, remainingPolicy(stored, now));
      for (const tag of stored.tags ?? []) cachedTags.add(tag);
    } else {
      if (stored?.scope === "PUBLIC") {
        stale.set(index, stored.value);
        staleTags.set(index, stored.tags ?? []);
        if (isRevalidatable(stored, now)) revalidatable.set(index, stored.expiresAt);
      }
      missIndexes.push(index);
    }
  }
  return { entities, missIndexes, cachedPolicy, stale, staleTags, cachedTags, revalidatable };
}

/**
 * The tags of each fetched entity. The subgraph tags the whole fetch; an entity's entry takes those tags minus its
 * siblings' own tags, so that one commune's entry is not purged with each of the hundred communes fetched beside it
 * (and a dashboard's fetch does not write a hundred tags per entity). What it nests (its province) stays on it.
 * The tags no sibling owns are found once per fetch: filtering the fetch's tags again for each entity cost a cold
 * dashboard (3 fetches of 131 entities, each tagged with all 131) more CPU than the rest of the fetch cache.
 */
function entityTagsOf(
  representations: readonly Representation[],
  fetchTags: readonly string[] = [],
): (position: number) => string[] {
  const own = representations.map((representation) => {
    const { __typename, ...keyFields } = representation;
    const values = Object.values(keyFields);
    return values.length === 1 ? entityTag(String(__typename), values[0]) : null;
  });
  const siblings = new Set(own.filter((tag) => tag !== null));
  const shared = fetchTags.filter((tag) => !siblings.has(tag));
  const named = new Set(fetchTags);
  return (position) => {
    const tag = own[position];
    return tag && named.has(tag) ? [tag, ...shared] : shared;
  };
}

function outcomeOf(lookups: readonly CacheLookup<Slot<unknown>>[], misses: number): CacheOutcome {
  if (lookups.some((lookup) => lookup.status === "error")) return "bypass";
  if (misses === 0) return "hit";
  return misses === lookups.length ? "miss" : "partial";
}

/** The subgraph numbered entities within the reduced list; the planner expects positions in the full one. */
function reindexError(error: GraphQLFormattedError, missIndexes: readonly number[]): GraphQLFormattedError {
  const path = error.path;
  if (path?.[0] !== "_entities" || typeof path[1] !== "number") return error;
  const original = missIndexes[path[1]];
  if (original === undefined) return error;
  return { ...error, path: ["_entities", original, ...path.slice(2)] };
}

/** Positions (in the reduced list) of entities an error is about; "all" when an error cannot be pinned to one. */
function failedPositions(errors: readonly GraphQLFormattedError[] | undefined): Set<number> | "all" {
  const failed = new Set<number>();
  for (const error of errors ?? []) {
    const position = error.path?.[0] === "_entities" ? error.path[1] : undefined;
    if (typeof position !== "number") return "all";
    failed.add(position);
  }
  return failed;
}
