import type { ApolloServerPlugin } from "@apollo/server";
import type { KeyValueCache } from "@apollo/utils.keyvaluecache";
import type { Redis } from "ioredis";
import type { GatewayConfig } from "../config.ts";
import type { GatewayContext } from "../context.ts";
import { createEntityCacheStep } from "../fetch/entityCache.ts";
import type { FetchStep } from "../fetch/pipeline.ts";
import type { HttpRoute } from "../http/routes.ts";
import type { Logger } from "../observability/logger.ts";
import type { CacheLayer, GatewayMetrics } from "../observability/metrics.ts";
import { createPurgeRoute } from "../ops/purge.ts";
import { createInboundDedupPlugin } from "../plugins/inboundDedup.ts";
import {
  type CachedResponseReader,
  createCachedResponseReader,
  createResponseCachePlugin,
} from "../plugins/responseCache.ts";
import { createApqCache } from "./apqCache.ts";
import { createCacheStore } from "./store.ts";

/** APQ entries are content-addressed and never stale; the TTL only bounds what a forgotten hash costs in memory. */
const APQ_TTL_SECONDS = 24 * 60 * 60;
/** Longest a deduplicated request waits for its leader before executing itself (longer than any sane plan). */
const DEDUP_MAX_WAIT_MS = 30_000;

/** Everything the caches contribute to createGateway's deps, built from the `caches` config section. */
export interface CacheLayers {
  fetchSteps: FetchStep[];
  /** Response cache first, then dedup: a cache hit never waits for anyone. */
  plugins: ApolloServerPlugin<GatewayContext>[];
  apqCache: KeyValueCache<string>;
  routes: HttpRoute[];
  /** Response-cache hits answered by the HTTP edge without Apollo Server. */
  cachedResponses: CachedResponseReader;
}

export function createCacheLayers(
  config: Pick<GatewayConfig, "caches">,
  deps: { redis: Redis | null; metrics: GatewayMetrics; logger: Logger },
): CacheLayers {
  const { caches } = config;
  const store = (layer: CacheLayer) =>
    createCacheStore({
      redis: deps.redis,
      layer,
      maxEntries: caches.maxEntries,
      metrics: deps.metrics,
      logger: deps.logger,
    });
  const stores = { apq: store("apq"), response: store("response"), entity: store("entity") };
  return {
    fetchSteps: caches.entity
      ? [createEntityCacheStep({ store: stores.entity, staleIfErrorSeconds: caches.staleIfErrorSeconds })]
      : [],
    plugins: [
      // Installed even when off, so every response says `x-cache: BYPASS`.
      createResponseCachePlugin({ enabled: caches.response, store: stores.response, metrics: deps.metrics }),
      ...(caches.dedup
        ? [createInboundDedupPlugin({ metrics: deps.metrics, maxWaitMs: DEDUP_MAX_WAIT_MS })]
        : []),
    ],
    apqCache: createApqCache(stores.apq, APQ_TTL_SECONDS),
    cachedResponses: createCachedResponseReader({ enabled: caches.response, store: stores.response }),
    // Purges work even with a layer switched off: entries written before it was switched off still live in Redis.
    routes: [
      createPurgeRoute({
        opsToken: caches.opsToken,
        stores: { response: stores.response, entity: stores.entity },
        logger: deps.logger,
      }),
    ],
  };
}
