import { pino } from "pino";
import { createCacheStore } from "../../../gateway/cacheStore/store.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";

/** The fetch caches' store without Redis: the in-memory stand-in every gateway without REDIS_URL uses. */
export function memoryStore() {
  return createCacheStore({
    redis: null,
    layer: "entity",
    maxEntries: 1000,
    metrics: createGatewayMetrics(),
    logger: pino({ level: "silent" }),
  });
}
