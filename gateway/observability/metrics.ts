import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

const PREFIX = "lienthong_";
/** From a cached answer (2 ms) to a subgraph timing out (10 s). */
const DURATION_BUCKETS_SECONDS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Breaker states as gauge values, so a dashboard can plot them: 0 closed, 1 half-open, 2 open. */
export const BREAKER_STATE_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

export type CacheLayer = "apq" | "response" | "entity";
export type CacheLookupResult = "hit" | "miss" | "error" | "bypass";

/** One registry per gateway instance (tests start several in one process). */
export function createGatewayMetrics() {
  const registry = new Registry();
  // Node's own process_* / nodejs_* names, unprefixed, so stock Node.js dashboards and alerts work; ours are lienthong_.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: PREFIX + name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Histogram<L>({ name: PREFIX + name, help, labelNames, buckets: DURATION_BUCKETS_SECONDS, registers });
  return {
    registry,
    requests: counter(
      "gateway_requests_total",
      "GraphQL HTTP requests by operation name and outcome (ok, partial, error, rejected)",
      ["operation", "outcome"],
    ),
    requestDuration: histogram(
      "gateway_request_duration_seconds",
      "GraphQL HTTP request duration by operation name and outcome",
      ["operation", "outcome"],
    ),
    subgraphFetchDuration: histogram(
      "gateway_subgraph_fetch_duration_seconds",
      "HTTP fetches from the gateway to a subgraph",
      ["subgraph"],
    ),
    subgraphFetches: counter(
      "gateway_subgraph_fetches_total",
      "HTTP fetches sent from the gateway to a subgraph (cache hits excluded, background refreshes included)",
      ["subgraph"],
    ),
    subgraphFetchErrors: counter(
      "gateway_subgraph_fetch_errors_total",
      "Subgraph fetches that failed, by subgraph and reason (timeout, connection, http_status, bad_response, circuit_open)",
      ["subgraph", "reason"],
    ),
    cacheLookups: counter(
      "gateway_cache_lookups_total",
      "Cache lookups by layer (apq, response, entity) and result (hit, miss, error, bypass)",
      ["layer", "result"],
    ),
    cacheStaleServes: counter(
      "gateway_cache_stale_serves_total",
      "Answers served past freshness within stale-while-revalidate, by layer (response, entity)",
      ["layer"],
    ),
    cacheRevalidations: counter(
      "gateway_cache_revalidations_total",
      "Refreshes of stale entries started (one per key and expiry across replicas), by layer (response, entity)",
      ["layer"],
    ),
    dedupJoins: counter(
      "gateway_dedup_joins_total",
      "Requests answered by joining an identical in-flight execution",
    ),
    breakerState: new Gauge({
      name: `${PREFIX}gateway_circuit_breaker_state`,
      help: "Circuit breaker state per subgraph: 0 closed, 1 half-open, 2 open",
      labelNames: ["subgraph"] as const,
      // Summed over workers, two half-open breakers would read as one open; the worst worker's state is the answer.
      aggregator: "max",
      registers,
    }),
    rateLimitRejections: counter(
      "gateway_rate_limit_rejections_total",
      "Operations refused by the per-caller rate limit (RATE_LIMITED, HTTP 429)",
    ),
    redisUp: new Gauge({
      name: `${PREFIX}gateway_redis_up`,
      help: "1 while the gateway's Redis connection is ready, 0 while it is lost (caches fail open; /ready says degraded)",
      // Summed over workers it would count workers; the lowest says whether any worker lost Redis.
      aggregator: "min",
      registers,
    }),
    redisErrors: counter(
      "gateway_redis_errors_total",
      "Redis connection and command errors (every cache fails open)",
    ),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
