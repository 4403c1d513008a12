import {
  type ApolloServerPlugin,
  type GraphQLRequestContextWillSendResponse,
  HeaderMap,
} from "@apollo/server";
import type { CacheVersion } from "../cacheStore/cacheVersion.ts";
import { operationKey, privateKey } from "../cacheStore/keys.ts";
import { requestOperationKey } from "../cacheStore/requestKey.ts";
import { type CacheEntry, type CacheStore, purgeClock } from "../cacheStore/store.ts";
import type { GatewayContext } from "../context.ts";
import { type PlainQueryBody, persistedQueryRef, plainQueryBody } from "../http/plainQueryBody.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";
import { cacheTagValue, servedCacheControl } from "./cacheControlHeader.ts";
import type { StaleRefresher } from "./staleRefresher.ts";

export const CACHE_HEADER = "x-cache";

type Outcome = "HIT" | "MISS" | "BYPASS";

/**
 * A public slot holds either the response, or a note that this operation answers PRIVATE data for this visibility
 * class, so the lookup must go on to the caller's own slot.
 */
type StoredResponse =
  | {
      kind: "response";
      /**
       * The HTTP body exactly as sent (`{"data":…}`): text when produced, its UTF-8 bytes when read back
       * (storedResponseCodec.ts), so a hit at the HTTP edge is written out without re-encoding.
       */
      body: string | Buffer;
      operationName: string | null;
      expiresAt: number;
      scope: "PUBLIC" | "PRIVATE";
      /**
       * The `Cache-Tag` value of the union of the cache tags of every fetch of the execution that produced it, bounded
       * and joined once when stored rather than on every hit ("" or absent: none).
       */
      cacheTag?: string;
      /** What entries stored before `cacheTag` hold instead: the tags themselves. */
      tags?: readonly string[];
      /** When it was produced, for `Age`, and the generation its one refresh is locked by. */
      storedAt?: number;
      /** PUBLIC only: until when, past freshness, it is served while one request refreshes it. */
      staleUntil?: number;
    }
  | { kind: "private" };

/** A response the HTTP edge can write as it is. */
export interface CachedHttpResponse {
  body: string | Buffer;
  operationName: string | null;
  /** Seconds of freshness left. */
  maxAge: number;
  scope: "PUBLIC" | "PRIVATE";
  /** The answer's Cache-Tag value, from which Surrogate-Key is made too ("" when it has no tags). */
  cacheTag: string;
  /** Seconds since it was produced (`Age`). */
  ageSeconds: number;
  /** Seconds it may still be served stale while refreshed (`stale-while-revalidate`). */
  staleWhileRevalidate: number;
}

/** Looks a parsed POST body up in the response cache for a caller's context; null when it must be executed. */
export type CachedResponseReader = (
  body: unknown,
  context: GatewayContext,
) => Promise<CachedHttpResponse | null>;

export interface ResponseCacheOptions {
  /** Off: every request is answered by execution and marked `x-cache: BYPASS`. */
  enabled: boolean;
  store: CacheStore;
  version: CacheVersion;
  /** Counts the requests that skip the lookup (layer off, mutations) as `result="bypass"`, stale serves and refreshes. */
  metrics: RevalidationMetrics & Pick<GatewayMetrics, "cacheLookups">;
  /** Window past freshness in which a PUBLIC answer is served while one background refresh runs; 0 (default) = off. */
  staleWhileRevalidateSeconds?: number;
  /** Runs that refresh. */
  refresher: StaleRefresher;
}

type RevalidationMetrics = Pick<GatewayMetrics, "cacheStaleServes" | "cacheRevalidations">;

/** Longest a refresh may take before another request (on any replica) may start one for the same stale answer. */
const REFRESH_LOCK_MS = 10_000;

/**
 * Whole-response cache for queries. Key: the cache version, the operation text, its name and variables, and the caller's
 * visibility class (plus the caller's own id when the answer holds PRIVATE data). TTL: the request's overall cache policy, i.e. the
 * smallest hint of every subgraph fetch (fed by the data source), so a response never outlives its freshest part.
 */
export function createResponseCachePlugin(options: ResponseCacheOptions): ApolloServerPlugin<GatewayContext> {
  const { enabled, store, metrics, version, refresher, staleWhileRevalidateSeconds = 0 } = options;
  return {
    async requestDidStart() {
      // Every read of this execution (subgraph fetches and cached parts alike) happens after this moment.
      const computedSince = purgeClock();
      let outcome: Outcome = "BYPASS";
      let publicKey: string | null = null;
      /** The lock this request holds as the one refresh of a stale answer. */
      let refreshLock: string | null = null;
      return {
        async responseForOperation(requestContext) {
          if (!enabled || requestContext.operation.operation !== "query") {
            metrics.cacheLookups.inc({ layer: store.layer, result: "bypass" });
            return null;
          }
          const key = requestOperationKey(requestContext, version.of(requestContext.schema));
          const context = requestContext.contextValue;
          const lookup = await lookupResponse(store, key, context.caller.sub);
          if (lookup.status === "error") return null;
          publicKey = key;
          if (lookup.status === "miss") {
            outcome = "MISS";
            return null;
          }
          // Revalidating: this is the background refresh of a stale answer, which it replaces.
          if (context.revalidating) {
            refreshLock = refreshLockKey(key, lookup.value);
            outcome = "MISS";
            return null;
          }
          const lock = await wonRefreshLock(store, key, lookup.value, metrics);
          if (lock !== null) {
            const { variables, operationName } = requestContext.request;
            refresher({
              request: { query: requestContext.source, variables, operationName: operationName ?? null },
              caller: context.caller,
              lock,
              requestId: context.requestId,
            });
          }
          outcome = "HIT";
          const { body, scope } = lookup.value;
          const served = servedFreshness(lookup.value);
          // The same Cache-Control and Age as the HTTP edge writes for this entry; the header plugin keeps them (a
          // stale answer has no freshness left, which the policy alone would turn into no-store).
          const headers = requestContext.response.http.headers;
          headers.set("cache-control", servedCacheControl(scope, served.maxAge, served.staleWhileRevalidate));
          headers.set("age", String(served.ageSeconds));
          for (const tag of storedTags(lookup.value)) requestContext.contextValue.cacheTags.add(tag);
          const text = typeof body === "string" ? body : body.toString("utf8");
          const { data } = JSON.parse(text) as { data: Record<string, unknown> };
          // The served copy carries its remaining lifetime, so the dedup plugin shares it for no longer.
          requestContext.overallCachePolicy.restrict({ maxAge: served.maxAge, scope });
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: "single", singleResult: { data } },
          };
        },
        async willSendResponse(requestContext) {
          requestContext.response.http.headers.set(CACHE_HEADER, outcome);
          requestContext.contextValue.cacheOutcomes.response =
            outcome === "HIT" ? "hit" : outcome === "MISS" ? "miss" : "bypass";
          // A deduplicated follower got the leader's response, which the leader stores itself.
          if (
            outcome !== "MISS" ||
            publicKey === null ||
            requestContext.contextValue.cacheOutcomes.dedup === "hit"
          )
            return;
          const entries = entriesToStore(
            requestContext,
            publicKey,
            staleWhileRevalidateSeconds,
            computedSince,
          );
          const lock = refreshLock;
          // Not awaited: the client need not wait for the cache write, and the store never rejects. A refresh that
          // stored nothing (errors, a Redis failure) frees its lock: the next request retries at once instead of every
          // poller seeing the stale answer for the lock's whole lifetime after a transient failure.
          void (entries.length > 0 ? store.mset(entries) : Promise.resolve(false)).then((stored) => {
            if (!stored && lock !== null) return store.releaseLock(lock);
          });
        },
      };
    },
  };
}

/**
 * The response cache read at the HTTP edge, before Apollo Server: a hit costs one lookup and one socket write instead
 * of parsing the stored response into objects and serialising them straight back (more than half of the CPU of a
 * warm IOC dashboard). Plain `{"query": …}` bodies qualify, and with `persistedQueryText` APQ lookups by hash too (what
 * a registered Apollo client sends, the IOC dashboard's persisted GET among them), once the hash's text is found;
 * everything else (registrations, batches, unknown hashes) goes through Apollo Server and the plugin above, which
 * stores what both read. The key is the same one the plugin stores under.
 */
export function createCachedResponseReader(options: {
  enabled: boolean;
  store: CacheStore;
  version: CacheVersion;
  metrics: RevalidationMetrics;
  refresher: StaleRefresher;
  /** The text of a registered APQ hash, as Apollo Server would find it; null when APQ is off. */
  persistedQueryText?: ((sha256Hash: string) => Promise<string | null>) | null;
}): CachedResponseReader {
  const { enabled, store, version, metrics, refresher, persistedQueryText = null } = options;

  async function queryOf(body: unknown): Promise<PlainQueryBody | null> {
    const plain = plainQueryBody(body);
    if (plain || !persistedQueryText) return plain;
    const persisted = persistedQueryRef(body);
    if (!persisted) return null;
    const query = await persistedQueryText(persisted.sha256Hash);
    if (query === null) return null;
    return { query, operationName: persisted.operationName, variables: persisted.variables };
  }

  return async (body, context) => {
    const plain = enabled ? await queryOf(body) : null;
    if (plain === null) return null;
    // Stored bytes skip validation, authorization and the safelist: only an entry of the current version may be
    // written out, i.e. one computed under the supergraph and policy that would have produced it now.
    const key = operationKey({
      version: version.current(),
      document: plain.query,
      operationName: plain.operationName,
      variables: plain.variables,
      visibilityClass: context.visibilityClass,
    });
    const lookup = await lookupResponse(store, key, context.caller.sub);
    if (lookup.status !== "hit") return null;
    const lock = await wonRefreshLock(store, key, lookup.value, metrics);
    if (lock !== null)
      refresher({ request: plain, caller: context.caller, lock, requestId: context.requestId });
    const { body: bytes, operationName: name, scope } = lookup.value;
    return {
      body: bytes,
      operationName: name,
      scope,
      cacheTag: storedCacheTag(lookup.value),
      ...servedFreshness(lookup.value),
    };
  };
}

type StoredAnswer = Extract<StoredResponse, { kind: "response" }>;

function storedCacheTag(stored: StoredAnswer): string {
  return stored.cacheTag ?? cacheTagValue(stored.tags ?? []);
}

/** The tags a hit adds to its request's, for the headers and for what dedup followers share. */
function storedTags(stored: StoredAnswer): string[] {
  const value = storedCacheTag(stored);
  return value === "" ? [] : value.split(",");
}

/**
 * Whatever this returns, the stored answer is served. Past freshness (a PUBLIC answer within its window, the only kind
 * kept past it), the request that wins the lock of this generation, across replicas, gets the lock: it starts the one
 * background refresh, which executes with every layer under it treating stale copies as misses and stores a fresh
 * answer. No poller of a dashboard waits for a refresh, not even the one that started it.
 */
async function wonRefreshLock(
  store: CacheStore,
  key: string,
  stored: StoredAnswer,
  metrics: RevalidationMetrics,
): Promise<string | null> {
  if (stored.expiresAt > Date.now()) return null;
  metrics.cacheStaleServes.inc({ layer: store.layer });
  const lock = refreshLockKey(key, stored);
  if (!(await store.acquireLock(lock, REFRESH_LOCK_MS))) return null;
  metrics.cacheRevalidations.inc({ layer: store.layer });
  return lock;
}

/** One lock per stored generation of an answer: its refresh stores a new generation, with a lock of its own. */
function refreshLockKey(key: string, stored: StoredAnswer): string {
  return `swr:${key}:${stored.storedAt ?? stored.expiresAt}`;
}

/** What a served entry tells the client: freshness left, age, and how long it may still be served stale. */
function servedFreshness(
  stored: StoredAnswer,
  now = Date.now(),
): Pick<CachedHttpResponse, "maxAge" | "ageSeconds" | "staleWhileRevalidate"> {
  const { expiresAt, storedAt, staleUntil = expiresAt } = stored;
  return {
    maxAge: Math.max(0, Math.floor((expiresAt - now) / 1000)),
    ageSeconds: storedAt === undefined ? 0 : Math.max(0, Math.floor((now - storedAt) / 1000)),
    staleWhileRevalidate: Math.max(0, Math.floor((staleUntil - Math.max(now, expiresAt)) / 1000)),
  };
}

async function lookupResponse(store: CacheStore, publicKey: string, sub: string | null) {
  const lookup = await store.get<StoredResponse>(publicKey);
  if (lookup.status !== "hit") return lookup;
  if (lookup.value.kind === "response") return { status: "hit" as const, value: lookup.value };
  if (sub === null) return { status: "miss" as const };
  const own = await store.get<StoredResponse>(privateKey(publicKey, sub));
  if (own.status !== "hit") return own;
  return own.value.kind === "response"
    ? { status: "hit" as const, value: own.value }
    : { status: "miss" as const };
}

/** Nothing for answers with errors, incremental answers, uncacheable policies, or PRIVATE data of an anonymous caller. */
function entriesToStore(
  requestContext: GraphQLRequestContextWillSendResponse<GatewayContext>,
  publicKey: string,
  staleWhileRevalidateSeconds: number,
  computedSince: number,
): CacheEntry[] {
  const body = requestContext.response.body;
  if (body.kind !== "single") return [];
  const { data, errors } = body.singleResult;
  if (!data || (errors && errors.length > 0)) return [];
  const policy = requestContext.overallCachePolicy.policyIfCacheable();
  if (!policy) return [];
  const tags = [...requestContext.contextValue.cacheTags];
  const now = Date.now();
  const stored: StoredAnswer = {
    kind: "response",
    // Serialised when the store encodes the entry, which it does once the answer is written (cacheStore/writeBehind.ts):
    // the client does not wait for its answer to be serialised a second time, nor for its tags to be bounded.
    get body() {
      return JSON.stringify({ data });
    },
    operationName: requestContext.operationName ?? null,
    expiresAt: now + policy.maxAge * 1000,
    scope: policy.scope,
    get cacheTag() {
      return cacheTagValue(tags);
    },
    storedAt: now,
  };
  if (policy.scope === "PUBLIC") {
    stored.staleUntil = stored.expiresAt + staleWhileRevalidateSeconds * 1000;
    const ttlSeconds = policy.maxAge + staleWhileRevalidateSeconds;
    return [{ key: publicKey, value: stored, ttlSeconds, tags, computedSince }];
  }
  const sub = requestContext.contextValue.caller.sub;
  if (sub === null) return [];
  const marker: StoredResponse = { kind: "private" };
  return [
    { key: publicKey, value: marker, ttlSeconds: policy.maxAge, tags, computedSince },
    { key: privateKey(publicKey, sub), value: stored, ttlSeconds: policy.maxAge, tags, computedSince },
  ];
}
