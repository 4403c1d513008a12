import type { GraphQLFormattedError } from "graphql";
import type { CacheOutcome, GatewayContext } from "../context.ts";
import type { FetchCancellation } from "./cancellation.ts";

export interface SubgraphFetch {
  /** Service name from the supergraph. */
  subgraph: string;
  url: string;
  request: { query: string; variables?: Record<string, unknown>; operationName?: string };
  /** entities = an `_entities` fetch (has variables.representations). */
  kind: "query" | "mutation" | "entities";
  context: GatewayContext;
  /** The serialised request when a step had to fix its bytes (contextHeader signs their hash); else the transport serialises `request`. */
  body?: string;
  /** Extra request headers; steps add to them (contextHeader) and the transport sends them. */
  headers?: Record<string, string>;
  /** Aborts the HTTP request (set by the timeout step, one per attempt). */
  cancellation?: FetchCancellation;
}

export interface CachePolicy {
  maxAge: number;
  scope: "PUBLIC" | "PRIVATE";
  /** The subgraph's own `stale-while-revalidate` seconds (RFC 5861), when it sends one. */
  staleWhileRevalidate?: number;
}

export interface SubgraphResult {
  body: {
    data?: Record<string, unknown> | null;
    errors?: GraphQLFormattedError[];
    extensions?: Record<string, unknown>;
  };
  /** Parsed from the subgraph's Cache-Control; null when it sent none (= not cacheable). */
  cachePolicy: CachePolicy | null;
  /**
   * The subgraph's cache tags for what this result holds (`province:40`, …: common/cacheTags.ts), from its `Cache-Tag`
   * header or, for a fetch-cache hit, those stored with the entry. Absent = none.
   */
  tags?: readonly string[];
  /** How the entity cache answered this fetch (absent when it did not handle it); traces show it per fetch. */
  cacheOutcome?: CacheOutcome;
  /** When the subgraph call behind this result was sent (ms since the epoch), for the caches' purge fence. */
  readSince?: number;
}

export type FetchHandler = (fetch: SubgraphFetch) => Promise<SubgraphResult>;
export type FetchStep = (next: FetchHandler) => FetchHandler;

/** Steps in order, outermost first: composeFetchPipeline([a, b], t) runs a → b → t. */
export function composeFetchPipeline(steps: readonly FetchStep[], terminal: FetchHandler): FetchHandler {
  return steps.reduceRight<FetchHandler>((next, step) => step(next), terminal);
}
