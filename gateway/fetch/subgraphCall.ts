import type { DocumentNode } from "graphql";
import { redactNumbers } from "../../common/errors.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";
import { requestedFieldPaths } from "./errorPaths.ts";
import { SubgraphFetchError } from "./errors.ts";
import type { CachePolicy, FetchHandler, SubgraphFetch, SubgraphResult } from "./pipeline.ts";

const SUBGRAPH_UNAVAILABLE = "SUBGRAPH_UNAVAILABLE";

/** The request's overall cache policy, as Apollo Server hands it to executors. */
export interface CachePolicyRestriction {
  restrict(hint: Partial<CachePolicy>): void;
}

export type SubgraphCall = (
  fetch: SubgraphFetch,
  options: { cachePolicy?: CachePolicyRestriction; document?: DocumentNode },
) => Promise<SubgraphResult["body"]>;

/**
 * One fetch of a query plan through our pipeline, whoever executes the plan: folds the subgraph's cache hint into the
 * request's overall cache policy (so the response cache's TTL is the minimum of the hints, and PRIVATE when any part
 * is). A failed fetch becomes one GraphQL error naming the subgraph per field it was to answer, at that field's path
 * in the fetch's own answer; the executor then rewrites those paths and keeps what the other fetches produced.
 */
export function createSubgraphCall(deps: { pipeline: FetchHandler; metrics: GatewayMetrics }): SubgraphCall {
  return async (fetch, { cachePolicy, document }) => {
    try {
      const result = await deps.pipeline(fetch);
      // No hint from the subgraph means "do not cache": restrict to 0 rather than leaving the policy open.
      cachePolicy?.restrict(result.cachePolicy ?? { maxAge: 0 });
      return result.body;
    } catch (error) {
      cachePolicy?.restrict({ maxAge: 0 });
      const name = fetch.subgraph;
      const reason = error instanceof SubgraphFetchError ? error.reason : "bad_response";
      deps.metrics.subgraphFetchErrors.inc({ subgraph: name, reason });
      fetch.context.logger.warn(
        // The subgraph's own words (a refusal, an address) are for this log only; ids in them are personal data.
        {
          requestId: fetch.context.requestId,
          subgraph: name,
          reason,
          err: { message: redactNumbers((error as Error).message) },
        },
        "subgraph fetch failed",
      );
      const unavailable = {
        message: `Subgraph "${name}" is unavailable`,
        extensions: { code: SUBGRAPH_UNAVAILABLE, subgraph: name, reason },
      };
      const { query, variables } = fetch.request;
      const representations = fetch.kind === "entities" ? (variables?.representations as unknown[]) : null;
      const paths = requestedFieldPaths(query, document, representations);
      return {
        data: null,
        errors: paths.length > 0 ? paths.map((path) => ({ ...unavailable, path })) : [unavailable],
      };
    }
  };
}
