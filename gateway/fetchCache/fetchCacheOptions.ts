import type { CacheVersion } from "../cacheStore/cacheVersion.ts";
import type { CacheStore } from "../cacheStore/store.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";

/** What both fetch caches (entities, root fields) are built from. */
export interface FetchCacheOptions {
  store: CacheStore;
  version: CacheVersion;
  /**
   * How long past its freshness a PUBLIC answer is kept to answer for a subgraph that is down (stale-if-error), so one
   * failed subgraph does not blank a dashboard; 0 turns it off. PRIVATE answers are never served stale.
   */
  staleIfErrorSeconds?: number;
  /** Default stale-while-revalidate window of PUBLIC entries (a subgraph's own directive wins); 0 turns it off. */
  staleWhileRevalidateSeconds?: number;
  /** Counts stale serves and refreshes; absent in tests that do not look. */
  metrics?: Pick<GatewayMetrics, "cacheStaleServes" | "cacheRevalidations">;
}
