import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface SubgraphMetrics {
  registry: Registry;
  /** Upstream HTTP requests by platform, route template (never a raw id) and outcome (ok, client_error, server_error, network_error, timeout). */
  upstreamRequests: Counter<"platform" | "route" | "outcome">;
  upstreamDuration: Histogram<"platform" | "route">;
  /** Keys per DataLoader batch, by record kind. */
  loaderBatchSize: Histogram<"kind">;
  /** Record-cache lookups per key, by record kind and result (hit, miss, error). */
  recordCacheLookups: Counter<"kind" | "result">;
  /** Misses answered by an in-flight platform fetch of another request. */
  coalescedMisses: Counter<"kind">;
  /** Merged batches sent to the platform, by whether they left before their window ended (nobody else could join). */
  platformBatches: Counter<"kind" | "dispatch">;
  redisErrors: Counter<"operation">;
  graphqlRequests: Counter<"operation" | "outcome">;
  graphqlDuration: Histogram<"operation">;
}

export function createSubgraphMetrics(name: string): SubgraphMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ subgraph: name });
  // Node's own process_* / nodejs_* names, unprefixed, so stock Node.js dashboards and alerts work; ours are lienthong_.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    upstreamRequests: new Counter({
      name: "lienthong_upstream_requests_total",
      help: "Platform API requests by platform, route template and outcome",
      labelNames: ["platform", "route", "outcome"],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: "lienthong_upstream_request_duration_seconds",
      help: "Platform API request duration, including retries",
      labelNames: ["platform", "route"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    loaderBatchSize: new Histogram({
      name: "lienthong_loader_batch_size",
      help: "Keys per DataLoader batch by record kind",
      labelNames: ["kind"],
      buckets: [1, 2, 5, 10, 25, 50, 100, 200, 500, 1000],
      registers,
    }),
    recordCacheLookups: new Counter({
      name: "lienthong_record_cache_lookups_total",
      help: "Record cache lookups by record kind and result (hit, miss, error)",
      labelNames: ["kind", "result"],
      registers,
    }),
    coalescedMisses: new Counter({
      name: "lienthong_record_coalesced_misses_total",
      help: "Record misses served by another request's in-flight platform fetch",
      labelNames: ["kind"],
      registers,
    }),
    platformBatches: new Counter({
      name: "lienthong_platform_batches_total",
      help: "Batch-window batches sent to the platform: dispatch=early when every open request waited on it, else window",
      labelNames: ["kind", "dispatch"],
      registers,
    }),
    redisErrors: new Counter({
      name: "lienthong_redis_errors_total",
      help: "Redis commands that failed or timed out (answered without Redis)",
      labelNames: ["operation"],
      registers,
    }),
    graphqlRequests: new Counter({
      name: "lienthong_subgraph_requests_total",
      help: "GraphQL operations served by the subgraph, by operation name and outcome",
      labelNames: ["operation", "outcome"],
      registers,
    }),
    graphqlDuration: new Histogram({
      name: "lienthong_subgraph_request_duration_seconds",
      help: "GraphQL operation duration in the subgraph",
      labelNames: ["operation"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
  };
}
