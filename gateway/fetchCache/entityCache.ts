import type { GraphQLFormattedError } from "graphql";
import type { CacheVersion } from "../cacheStore/cacheVersion.ts";
import { canonicalJson, entityKey, privateKey, sha256 } from "../cacheStore/keys.ts";
import type { CacheLookup, CacheStore } from "../cacheStore/store.ts";
import type { CacheOutcome, GatewayContext } from "../context.ts";
import { SubgraphFetchError } from "../fetch/errors.ts";
import type {
  CachePolicy,
  FetchHandler,
  FetchStep,
  SubgraphFetch,
  SubgraphResult,
} from "../fetch/pipeline.ts";
import { createSingleFlight } from "./singleFlight.ts";

type Representation = Record<string, unknown>;

/** What one entity-cache slot holds: the entity, or a note that its copy is PRIVATE and lives under the caller's key. */
type StoredEntity =
  | { kind: "entity"; entity: unknown; expiresAt: number; scope: CachePolicy["scope"] }
  | { kind: "private" };

export interface EntityCacheOptions {
  store: CacheStore;
  version: CacheVersion;
  /**
   * How long past its freshness an entity is kept to answer for a subgraph that is down (stale-if-error). The IOC
   * dashboard's statistics are non-null fields of Province: without this, one failed subgraph blanks the whole screen.
   * 0 turns it off. PRIVATE entities are never served stale.
   */
  staleIfErrorSeconds?: number;
}

/**
 * Per-representation cache for `_entities` fetches (what Apollo Router calls entity caching): every representation
 * is looked up on its own, only the misses go to the subgraph, and the answer is reassembled in the planner's order.
 */
export function createEntityCacheStep(options: EntityCacheOptions): FetchStep {
  const { store, version } = options;
  const staleSeconds = options.staleIfErrorSeconds ?? 0;

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
      const currentVersion = version.current();
      const publicKeys = (representations as Representation[]).map((representation) =>
        entityKey({
          version: currentVersion,
          subgraph: fetch.subgraph,
          representation,
          selectionHash,
          visibilityClass: fetch.context.visibilityClass,
        }),
      );

      const lookups = await lookupAll(store, publicKeys, sub);
      const { entities, missIndexes, cachedPolicy, stale } = readCached(lookups);
      const cacheOutcome = outcomeOf(lookups, missIndexes.length);
      recordOutcome(fetch.context, cacheOutcome);
      if (missIndexes.length === 0) {
        return { body: { data: { _entities: entities } }, cachePolicy: cachedPolicy, cacheOutcome };
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
      let result: SubgraphResult;
      try {
        result = await fetchShared(missFetch);
      } catch (error) {
        if (!(error instanceof SubgraphFetchError) || !missIndexes.every((i) => stale.has(i))) throw error;
        for (const i of missIndexes) entities[i] = stale.get(i);
        fetch.context.cacheOutcomes.entity = "stale";
        // Served, but never stored in any cache: the next request asks the subgraph again.
        return {
          body: { data: { _entities: entities } },
          cachePolicy: { maxAge: 0, scope: "PUBLIC" },
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
    if (!policy || policy.maxAge <= 0) return;
    const sub = missFetch.context.caller.sub;
    if (policy.scope === "PRIVATE" && sub === null) return;
    const failed = failedPositions(result.body.errors);
    if (failed === "all") return;
    const expiresAt = Date.now() + policy.maxAge * 1000;
    // Kept past freshness only for stale-if-error; readCached treats an expired copy as a miss.
    const ttlSeconds = policy.scope === "PUBLIC" ? policy.maxAge + staleSeconds : policy.maxAge;
    const entries = missIndexes.flatMap((original, position) => {
      const entity = fetched[position];
      if (entity === null || entity === undefined || failed.has(position)) return [];
      const key = publicKeys[original]!;
      const stored: StoredEntity = { kind: "entity", entity, expiresAt, scope: policy.scope };
      if (policy.scope === "PUBLIC") return [{ key, value: stored, ttlSeconds }];
      const marker: StoredEntity = { kind: "private" };
      return [
        { key, value: marker, ttlSeconds: policy.maxAge },
        { key: privateKey(key, sub!), value: stored, ttlSeconds: policy.maxAge },
      ];
    });
    await store.mset(entries);
  }
}

/** Concurrent requests that miss on the same entities share one subgraph fetch. */
function createSharedFetch(next: FetchHandler): FetchHandler {
  const flights = createSingleFlight();
  return async (missFetch) => {
    const { subgraph, request, context } = missFetch;
    const sub = context.caller.sub;
    const flightKey = sha256(
      canonicalJson([subgraph, request.query, request.variables, context.visibilityClass]),
    );
    const { value, joined } = await flights.run(flightKey, async () => ({
      result: await next(missFetch),
      sub,
    }));
    if (!joined) return value.result;
    // A PRIVATE answer belongs to the caller it was made for; anyone else asks for their own.
    if (!isShareable(value.result) && (sub === null || value.sub !== sub)) return next(missFetch);
    return structuredClone(value.result);
  };
}

/**
 * Only an error-free answer the subgraph marked PUBLIC goes to other callers. Errors, `no-store` (which Apollo's
 * subgraph plugin sends with every error) or no Cache-Control at all make it the caller's own.
 */
function isShareable(result: SubgraphResult): boolean {
  return result.cachePolicy?.scope === "PUBLIC" && !result.body.errors?.length;
}

/**
 * The fresh cached entities in place (null where missing), the positions still to fetch, the hits' remaining policy,
 * and the expired PUBLIC copies by position, kept for stale-if-error.
 */
function readCached(lookups: readonly CacheLookup<StoredEntity>[]) {
  const now = Date.now();
  const entities: unknown[] = new Array(lookups.length).fill(null);
  const missIndexes: number[] = [];
  const stale = new Map<number, unknown>();
  let cachedPolicy: CachePolicy | null = null;
  for (const [index, lookup] of lookups.entries()) {
    const stored = lookup.status === "hit" && lookup.value.kind === "entity" ? lookup.value : null;
    if (stored && stored.expiresAt > now) {
      entities[index] = stored.entity;
      cachedPolicy = narrower(cachedPolicy, {
        maxAge: Math.max(0, Math.floor((stored.expiresAt - now) / 1000)),
        scope: stored.scope,
      });
    } else {
      if (stored?.scope === "PUBLIC") stale.set(index, stored.entity);
      missIndexes.push(index);
    }
  }
  return { entities, missIndexes, cachedPolicy, stale };
}

/** Public slots first; where a slot says "private", a second round trip reads the caller's own copy. */
async function lookupAll(
  store: CacheStore,
  publicKeys: readonly string[],
  sub: string | null,
): Promise<CacheLookup<StoredEntity>[]> {
  const lookups = await store.mget<StoredEntity>(publicKeys);
  const privateIndexes = lookups.flatMap((lookup, index) =>
    lookup.status === "hit" && lookup.value.kind === "private" ? [index] : [],
  );
  if (privateIndexes.length === 0) return lookups;
  if (sub === null) {
    for (const index of privateIndexes) lookups[index] = { status: "miss" };
    return lookups;
  }
  const privateLookups = await store.mget<StoredEntity>(
    privateIndexes.map((i) => privateKey(publicKeys[i]!, sub)),
  );
  privateIndexes.forEach((original, position) => {
    lookups[original] = privateLookups[position]!;
  });
  return lookups;
}

function outcomeOf(lookups: readonly CacheLookup<StoredEntity>[], misses: number): CacheOutcome {
  if (lookups.some((lookup) => lookup.status === "error")) return "bypass";
  if (misses === 0) return "hit";
  return misses === lookups.length ? "miss" : "partial";
}

/** One outcome per request for the log: a plan may make several `_entities` fetches. */
function recordOutcome(context: GatewayContext, outcome: CacheOutcome): void {
  const previous = context.cacheOutcomes.entity;
  if (previous === undefined || previous === outcome || outcome === "bypass") {
    context.cacheOutcomes.entity = outcome;
  } else if (previous !== "bypass") {
    context.cacheOutcomes.entity = "partial";
  }
}

function narrower(a: CachePolicy | null, b: CachePolicy): CachePolicy {
  if (!a) return b;
  return {
    maxAge: Math.min(a.maxAge, b.maxAge),
    scope: a.scope === "PRIVATE" || b.scope === "PRIVATE" ? "PRIVATE" : "PUBLIC",
  };
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
