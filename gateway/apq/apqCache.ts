import type { KeyValueCache, KeyValueCacheSetOptions } from "@apollo/utils.keyvaluecache";
import type { CacheStore } from "../cacheStore/store.ts";

/**
 * Apollo Server's persisted-query cache on our store, so a hash registered on one replica is known to all of them.
 * APQ entries are content-addressed (sha256 of the text), so a lost entry only costs the client one resend:
 * failing open here means answering "not found", which makes the client send the full query again.
 * `APQ_CACHE=off` turns automatic persisted queries off altogether (createGateway passes `persistedQueries: false`;
 * clients get PERSISTED_QUERY_NOT_SUPPORTED and Apollo clients fall back to sending the text): Apollo's own fallback
 * would be a per-process memory cache that replicas do not share — the very thing this layer exists to avoid.
 */
export function createApqCache(store: CacheStore, defaultTtlSeconds: number): KeyValueCache<string> {
  return {
    async get(key) {
      const lookup = await store.get<string>(key);
      return lookup.status === "hit" ? lookup.value : undefined;
    },
    async set(key, value, options?: KeyValueCacheSetOptions) {
      await store.set(key, value, options?.ttl ?? defaultTtlSeconds);
    },
    delete: (key) => store.del(key),
  };
}

/** The prefix Apollo Server puts before each hash in the cache it is given (its `APQ_CACHE_PREFIX`, not exported). */
const APOLLO_APQ_PREFIX = "apq:";

/**
 * The text registered for an APQ hash, read where Apollo Server reads it, for the HTTP edge to answer a persisted
 * query from the response cache without Apollo Server. Null when unknown: Apollo Server then answers
 * PERSISTED_QUERY_NOT_FOUND and the client registers the text.
 */
export function persistedQueryText(
  cache: KeyValueCache<string>,
): (sha256Hash: string) => Promise<string | null> {
  return async (sha256Hash) => (await cache.get(APOLLO_APQ_PREFIX + sha256Hash)) ?? null;
}
