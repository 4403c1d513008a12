import { pino } from "pino";
import { type Caller, visibilityClass } from "../../common/caller.ts";
import { createCacheVersion } from "../../gateway/cacheStore/cacheVersion.ts";
import { operationKey } from "../../gateway/cacheStore/keys.ts";
import { createCacheStore } from "../../gateway/cacheStore/store.ts";
import { createGatewayMetrics } from "../../gateway/observability/metrics.ts";
import { storedResponseCodec } from "../../gateway/responseCache/storedResponseCodec.ts";

export const ANONYMOUS: Caller = { sub: null, scopes: [], province: null, commune: null };

/**
 * An in-memory response layer holding `entry` where the HTTP edge looks up `query` (with `operationName`, no variables)
 * for an anonymous caller under the current cache version, with what the edge's reader needs around it.
 */
export async function responseLayerHolding(
  query: string,
  operationName: string | null,
  entry: Record<string, unknown>,
) {
  const logger = pino({ level: "silent" });
  const metrics = createGatewayMetrics();
  const store = createCacheStore({
    redis: null,
    layer: "response",
    maxEntries: 10,
    codec: storedResponseCodec,
    metrics,
    logger,
  });
  const version = createCacheVersion({});
  const key = operationKey({
    version: version.current(),
    document: query,
    operationName,
    variables: undefined,
    visibilityClass: visibilityClass(ANONYMOUS),
  });
  await store.set(key, entry, 60);
  return { store, version, metrics, logger };
}
