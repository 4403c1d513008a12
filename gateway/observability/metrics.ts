import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

const PREFIX = "lienthong_";

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
  return {
    registry,
    requests: new Counter({
      name: `${PREFIX}gateway_requests_total`,
      help: "GraphQL HTTP requests by operation name and outcome (ok, partial, error, rejected)",
      labelNames: ["operation", "outcome"] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: `${PREFIX}gateway_request_duration_seconds`,
      help: "GraphQL HTTP request duration by operation name and outcome",
      labelNames: ["operation", "outcome"] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    subgraphFetchDuration: new Histogram({
      name: `${PREFIX}gateway_subgraph_fetch_duration_seconds`,
      help: "HTTP fetches from the gateway to a subgraph",
      labelNames: ["subgraph"] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    subgraphFetchErrors: new Counter({
      name: `${PREFIX}gateway_subgraph_fetch_errors_total`,
      help: "Subgraph fetches that failed, by subgraph and reason (timeout, connection, http_status, bad_response, circuit_open)",
      labelNames: ["subgraph", "reason"] as const,
      registers,
    }),
    cacheLookups: new Counter({
      name: `${PREFIX}gateway_cache_lookups_total`,
      help: "Cache lookups by layer (apq, response, entity) and result (hit, miss, error, bypass)",
      labelNames: ["layer", "result"] as const,
      registers,
    }),
    dedupJoins: new Counter({
      name: `${PREFIX}gateway_dedup_joins_total`,
      help: "Requests answered by joining an identical in-flight execution",
      registers,
    }),
    breakerState: new Gauge({
      name: `${PREFIX}gateway_circuit_breaker_state`,
      help: "Circuit breaker state per subgraph: 0 closed, 1 half-open, 2 open",
      labelNames: ["subgraph"] as const,
      // Summed over workers, two half-open breakers would read as one open; the worst worker's state is the answer.
      aggregator: "max",
      registers,
    }),
    rateLimitRejections: new Counter({
      name: `${PREFIX}gateway_rate_limit_rejections_total`,
      help: "Operations refused by the per-caller rate limit (RATE_LIMITED, HTTP 429)",
      registers,
    }),
    redisUp: new Gauge({
      name: `${PREFIX}gateway_redis_up`,
      help: "1 while the gateway's Redis connection is ready, 0 while it is lost (caches fail open; /ready says degraded)",
      // Summed over workers it would count workers; the lowest says whether any worker lost Redis.
      aggregator: "min",
      registers,
    }),
    redisErrors: new Counter({
      name: `${PREFIX}gateway_redis_errors_total`,
      help: "Redis connection and command errors (every cache fails open)",
      registers,
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
