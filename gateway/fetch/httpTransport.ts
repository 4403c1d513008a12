import type { Counter, Histogram } from "prom-client";
import { Pool } from "undici";
import { CACHE_TAG_HEADER, parseCacheTags } from "../../common/cacheTags.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";
import { capFreshness, parseCacheControl } from "./cacheControl.ts";
import { SubgraphFetchError } from "./errors.ts";
import type { FetchHandler, SubgraphResult } from "./pipeline.ts";
import { type PostFailure, postText, type TextResponse } from "./postText.ts";

const GRAPHQL_REQUEST_HEADERS = {
  "content-type": "application/json",
  accept: "application/graphql-response+json, application/json",
};

/** A subgraph's metric children, bound once: labelling per fetch validates and copies the labels every time. */
interface SubgraphMeters {
  fetches: Counter.Internal;
  duration: Histogram.Internal<"subgraph">;
}

export interface HttpTransport {
  handler: FetchHandler;
  close(): Promise<void>;
}

/**
 * The terminal step: POST to the subgraph on an undici keep-alive pool per subgraph origin
 * (reused across requests and supergraph reloads).
 */
export function createHttpTransport(options: {
  connections: number;
  metrics: GatewayMetrics;
  /** CACHE_MAX_AGE_SECONDS: no answer is fresher-declared than this, so neither cache layer keeps it longer. */
  maxAgeSeconds?: number | null;
}): HttpTransport {
  const pools = new Map<string, Pool>();
  // Parsed once per subgraph URL, not per fetch.
  const routes = new Map<string, { pool: Pool; path: string }>();
  const meters = new Map<string, SubgraphMeters>();

  function poolFor(origin: string): Pool {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: options.connections, keepAliveTimeout: 30_000, pipelining: 1 });
      pools.set(origin, pool);
    }
    return pool;
  }

  function routeFor(url: string): { pool: Pool; path: string } {
    let route = routes.get(url);
    if (!route) {
      const target = new URL(url);
      route = { pool: poolFor(target.origin), path: `${target.pathname}${target.search}` };
      routes.set(url, route);
    }
    return route;
  }

  function metersFor(subgraph: string): SubgraphMeters {
    let bound = meters.get(subgraph);
    if (!bound) {
      bound = {
        fetches: options.metrics.subgraphFetches.labels({ subgraph }),
        duration: options.metrics.subgraphFetchDuration.labels({ subgraph }),
      };
      meters.set(subgraph, bound);
    }
    return bound;
  }

  const handler: FetchHandler = async (fetch) => {
    const route = routeFor(fetch.url);
    const meter = metersFor(fetch.subgraph);
    // Only fetches that really go out count: an entity-cache hit never reaches this step.
    fetch.context.subgraphsTouched.add(fetch.subgraph);
    meter.fetches.inc();
    // A clock pair rather than startTimer, which allocates a closure and copies the labels on every fetch.
    const started = performance.now();
    try {
      let response: TextResponse;
      try {
        response = await postText(route.pool, {
          path: route.path,
          headers: fetch.headers ? { ...fetch.headers, ...GRAPHQL_REQUEST_HEADERS } : GRAPHQL_REQUEST_HEADERS,
          body: fetch.body ?? JSON.stringify(fetch.request),
          cancellation: fetch.cancellation,
        });
      } catch (error) {
        const failure = error as PostFailure;
        // Once the subgraph answered, or when our own timeout aborted it, the failure is not a connection's.
        if (failure.responded || fetch.cancellation?.reason) throw failure.error;
        throw new SubgraphFetchError(fetch.subgraph, "connection", failure.message, { cause: failure.error });
      }
      return resultOf(fetch.subgraph, response, options.maxAgeSeconds ?? null);
    } finally {
      meter.duration.observe((performance.now() - started) / 1000);
    }
  };

  return {
    handler,
    async close() {
      const closing = [...pools.values()].map((pool) => pool.close().catch(() => pool.destroy()));
      pools.clear();
      routes.clear();
      await Promise.all(closing);
    },
  };
}

/** The subgraph's answer as a result, or why it is none. */
function resultOf(subgraph: string, response: TextResponse, maxAgeSeconds: number | null): SubgraphResult {
  const body = parseGraphQLBody(response.text);
  // 401/403: the subgraph refused our signed context, so it executed nothing. Its reason describes our internals
  // (keys, clocks, bindings): it goes to the log through the error, the client sees SUBGRAPH_UNAVAILABLE.
  const refused = response.statusCode === 401 || response.statusCode === 403;
  if (!body || refused || response.statusCode >= 500) {
    const reason = body?.errors?.[0]?.message;
    throw new SubgraphFetchError(
      subgraph,
      body ? "http_status" : "bad_response",
      `HTTP ${response.statusCode}${reason ? ` (${reason})` : ""}`,
    );
  }
  const cacheControl = response.headers["cache-control"];
  return {
    body,
    cachePolicy: capFreshness(
      parseCacheControl(Array.isArray(cacheControl) ? cacheControl.join(",") : cacheControl),
      maxAgeSeconds,
    ),
    tags: parseCacheTags(response.headers[CACHE_TAG_HEADER]),
  };
}

function parseGraphQLBody(text: string): SubgraphResult["body"] | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && ("data" in parsed || "errors" in parsed)) {
      return parsed as SubgraphResult["body"];
    }
    return null;
  } catch {
    return null;
  }
}
