import { operationFromDocument, Supergraph } from "@apollo/federation-internals";
import { type QueryPlan, QueryPlanner } from "@apollo/query-planner";
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import { type FragmentDefinitionNode, type GraphQLSchema, Kind } from "graphql";
import { LRUCache } from "lru-cache";
import type { SubgraphCall } from "../fetch/subgraphCall.ts";
import { createEntityFetchBatcher } from "./batchedEntityFetch.ts";
import type { PlanExecutionDeps } from "./executePlan.ts";
import { createShaperCompiler, type ResponseShaper } from "./shaping/index.ts";
import { createTypeMatcher } from "./typeConditions.ts";

/** An operation ready to run: its plan and its compiled shaping, made once per operation text and name. */
export interface PreparedOperation {
  plan: QueryPlan;
  shaper: ResponseShaper;
}

export interface SupergraphExecution {
  deps: PlanExecutionDeps;
  prepare(requestContext: GatewayGraphQLRequestContext): PreparedOperation;
}

/**
 * Everything one supergraph gives the executor: Apollo's query planner over it, the plans and shapers it made (an LRU
 * keyed by the operation's hash and name, gone with the supergraph), the subgraphs' URLs and the type tests of the
 * supergraph schema.
 */
export function createSupergraphExecution(options: {
  coreSupergraphSdl: string;
  apiSchema: GraphQLSchema;
  planCacheEntries: number;
  call: SubgraphCall;
  subgraphUrl(endpoint: { name: string; url: string }): string;
}): SupergraphExecution {
  // Apollo Gateway has validated this very text before telling its listeners about it.
  const supergraph = Supergraph.build(options.coreSupergraphSdl, { validateSupergraph: false });
  const internalApiSchema = supergraph.apiSchema();
  const planner = new QueryPlanner(supergraph);
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const urls = new Map(
    supergraph
      .subgraphsMetadata()
      .map((subgraph) => [subgraph.name, options.subgraphUrl({ name: subgraph.name, url: subgraph.url })]),
  );
  const shapers = createShaperCompiler(options.apiSchema);
  const prepared = new LRUCache<string, PreparedOperation>({ max: options.planCacheEntries });

  return {
    deps: {
      call: options.call,
      subgraphUrl: (name) => urls.get(name),
      matches: createTypeMatcher(supergraphSchema, false),
      rewriteMatches: createTypeMatcher(supergraphSchema, true),
      batcher: createEntityFetchBatcher(supergraphSchema),
    },

    prepare(requestContext) {
      const { document, operation, queryHash } = requestContext;
      const operationName = requestContext.request.operationName ?? "";
      const key = `${queryHash}\u0000${operationName}`;
      let entry = prepared.get(key);
      if (!entry) {
        const plannable = operationFromDocument(internalApiSchema, document, {
          operationName: requestContext.request.operationName,
        });
        const fragments: Record<string, FragmentDefinitionNode> = {};
        for (const definition of document.definitions) {
          if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
        }
        entry = {
          plan: planner.buildQueryPlan(plannable),
          shaper: shapers.compile(operation, fragments),
        };
        prepared.set(key, entry);
      }
      return entry;
    },
  };
}
