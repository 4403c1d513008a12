import { randomUUID } from "node:crypto";
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { ANONYMOUS } from "../../common/caller.ts";
import { redactNumbers } from "../../common/errors.ts";
import { createGatewayContext, type GatewayContext } from "../context.ts";
import type { Logger } from "../observability/logger.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";
import { requestedFieldPaths } from "./errorPaths.ts";
import { SubgraphFetchError } from "./errors.ts";
import type { FetchHandler, SubgraphFetch } from "./pipeline.ts";

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource["process"]>>;

const SUBGRAPH_UNAVAILABLE = "SUBGRAPH_UNAVAILABLE";

/**
 * What @apollo/gateway calls for every fetch of a query plan: hands the fetch to our pipeline and folds the
 * subgraph's cache hint into the request's overall cache policy (so the response cache's TTL is the
 * minimum of the hints, and PRIVATE when any part is). A failed fetch becomes one GraphQL error naming the
 * subgraph per field it was to answer, at that field's path; the gateway then returns whatever the other fetches
 * produced.
 */
export class PipelineDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    private readonly options: {
      name: string;
      url: string;
      pipeline: FetchHandler;
      metrics: GatewayMetrics;
      logger: Logger;
    },
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { name, url } = this.options;
    const incoming = "incomingRequestContext" in options ? options : null;
    const context =
      incoming?.context ??
      createGatewayContext({ requestId: randomUUID(), caller: ANONYMOUS, logger: this.options.logger });
    const query = options.request.query ?? "";
    const variables = options.request.variables ?? undefined;
    const fetch: SubgraphFetch = {
      subgraph: name,
      url,
      request: { query, variables, operationName: options.request.operationName },
      kind: fetchKind(query, variables),
      context,
    };
    try {
      const result = await this.options.pipeline(fetch);
      // No hint from the subgraph means "do not cache": restrict to 0 rather than leaving the policy open.
      incoming?.incomingRequestContext.overallCachePolicy.restrict(result.cachePolicy ?? { maxAge: 0 });
      return result.body as GatewayGraphQLResponse;
    } catch (error) {
      incoming?.incomingRequestContext.overallCachePolicy.restrict({ maxAge: 0 });
      const reason = error instanceof SubgraphFetchError ? error.reason : "bad_response";
      this.options.metrics.subgraphFetchErrors.inc({ subgraph: name, reason });
      context.logger.warn(
        // The subgraph's own words (a refusal, an address) are for this log only; ids in them are personal data.
        {
          requestId: context.requestId,
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
      const representations = fetch.kind === "entities" ? (variables?.representations as unknown[]) : null;
      const paths = requestedFieldPaths(query, incoming?.document, representations);
      return {
        data: null,
        errors: paths.length > 0 ? paths.map((path) => ({ ...unavailable, path })) : [unavailable],
      } as GatewayGraphQLResponse;
    }
  }
}

function fetchKind(query: string, variables: Record<string, unknown> | undefined): SubgraphFetch["kind"] {
  if (variables && Array.isArray(variables.representations) && query.includes("_entities")) return "entities";
  return /^\s*mutation\b/.test(query) ? "mutation" : "query";
}
