import { randomUUID } from "node:crypto";
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { ANONYMOUS } from "../../common/caller.ts";
import { createGatewayContext, type GatewayContext } from "../context.ts";
import type { Logger } from "../observability/logger.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";
import type { FetchHandler, SubgraphFetch } from "./pipeline.ts";
import { createSubgraphCall, type SubgraphCall } from "./subgraphCall.ts";

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource["process"]>>;

/**
 * What @apollo/gateway calls for every fetch of a query plan: hands the fetch to our pipeline and folds the
 * subgraph's cache hint into the request's overall cache policy (so the response cache's TTL is the
 * minimum of the hints, and PRIVATE when any part is). A failed fetch becomes one GraphQL error naming the
 * subgraph per field it was to answer, at that field's path; the gateway then returns whatever the other fetches
 * produced.
 */
export class PipelineDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly call: SubgraphCall;

  constructor(
    private readonly options: {
      name: string;
      url: string;
      pipeline: FetchHandler;
      metrics: GatewayMetrics;
      logger: Logger;
    },
  ) {
    this.call = createSubgraphCall(options);
  }

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
    const response = await this.call(fetch, {
      cachePolicy: incoming?.incomingRequestContext.overallCachePolicy,
      document: incoming?.document,
    });
    return response as GatewayGraphQLResponse;
  }
}

function fetchKind(query: string, variables: Record<string, unknown> | undefined): SubgraphFetch["kind"] {
  if (variables && Array.isArray(variables.representations) && query.includes("_entities")) return "entities";
  return /^\s*mutation\b/.test(query) ? "mutation" : "query";
}
