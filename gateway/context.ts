import { type Caller, visibilityClass } from "../common/caller.ts";
import type { Logger } from "./observability/logger.ts";

/** `stale`: a subgraph failed and entities past their freshness were served (stale-if-error). */
export type CacheOutcome = "hit" | "miss" | "bypass" | "partial" | "error" | "stale";

/** Per-request state shared by the HTTP edge, the plugins and the fetch pipeline. */
export interface GatewayContext {
  requestId: string;
  caller: Caller;
  /** kit visibilityClass(caller): part of every cache and dedup key. */
  visibilityClass: string;
  logger: Logger;
  /** Filled by each cache layer ("response", "entity", "apq", "dedup"); logged once per request. */
  cacheOutcomes: Record<string, CacheOutcome>;
  /**
   * The cache tags of every fetch of the request, cache hits included (fed by the fetch pipeline): the response cache
   * indexes its entry by them and answers carry them as `Cache-Tag`.
   */
  cacheTags: Set<string>;
  /**
   * This request refreshes a stale response (it won the refresh lock): every layer treats stale entries as misses, so
   * what it stores is fresh.
   */
  revalidating: boolean;
  /** Subgraphs this request actually sent HTTP fetches to (cache hits excluded). */
  subgraphsTouched: Set<string>;
  /** Filled by the request log plugin for the one log line and the request metrics. */
  operations: { name: string | null; outcome: RequestOutcome; errorCodes: string[] }[];
}

export type RequestOutcome = "ok" | "partial" | "error" | "rejected";

export function createGatewayContext(input: {
  requestId: string;
  caller: Caller;
  logger: Logger;
}): GatewayContext {
  return {
    requestId: input.requestId,
    caller: input.caller,
    visibilityClass: visibilityClass(input.caller),
    logger: input.logger,
    cacheOutcomes: {},
    cacheTags: new Set(),
    revalidating: false,
    subgraphsTouched: new Set(),
    operations: [],
  };
}
