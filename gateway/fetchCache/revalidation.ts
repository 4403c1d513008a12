import { redactNumbers } from "../../common/errors.ts";
import type { CacheStore } from "../cacheStore/store.ts";
import type { GatewayContext } from "../context.ts";
import type { FetchCacheOptions } from "./fetchCacheOptions.ts";

/** Longest a refresh may take before another request (on any replica) may start one for the same stale copy. */
export const REVALIDATION_LOCK_MS = 10_000;

/**
 * Runs `refresh` in the background when this request wins the lock of this stale generation (`lockKey` names the key
 * and the copy's expiry): exactly one refresh per key and expiry across replicas. A request that is itself refreshing a
 * stale response never gets here: it treats stale copies as misses so that what it stores is fresh.
 */
export async function revalidateInBackground(
  store: CacheStore,
  lockKey: string,
  context: GatewayContext,
  metrics: FetchCacheOptions["metrics"],
  refresh: () => Promise<void>,
): Promise<void> {
  metrics?.cacheStaleServes.inc({ layer: "entity" });
  const lock = `swr:${lockKey}`;
  if (!(await store.acquireLock(lock, REVALIDATION_LOCK_MS))) return;
  metrics?.cacheRevalidations.inc({ layer: "entity" });
  // Detached from the request: its answer is already the stale copy. A failed refresh frees the lock, so the next
  // request past a transient failure tries again instead of serving the stale copy for the lock's whole lifetime.
  refresh().catch((error: unknown) => {
    void store.releaseLock(lock);
    context.logger.warn(
      { requestId: context.requestId, err: { message: redactNumbers((error as Error).message) } },
      "background refresh of a stale fetch failed",
    );
  });
}
