import type { ApolloGateway } from "@apollo/gateway";
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import { type GraphQLError, getVariableValues } from "graphql";
import type { GatewayContext } from "../context.ts";
import type { SubgraphCall } from "../fetch/subgraphCall.ts";
import type { Logger } from "../observability/logger.ts";
import { executePlan } from "./executePlan.ts";
import type { ResponseShaper } from "./shaping/index.ts";
import { executionError } from "./subgraphErrors.ts";
import { createSupergraphExecution, type SupergraphExecution } from "./supergraphExecution.ts";

type GatewayLike = Pick<ApolloGateway, "load" | "onSchemaLoadOrUpdate" | "stop">;
type Executor = ApolloGateway["executor"];
type ExecutionResult = Awaited<ReturnType<Executor>>;

export interface OwnExecutorOptions {
  /** Loads and watches the supergraph and gives Apollo Server its API schema; its executor is not used. */
  gateway: ApolloGateway;
  planCacheEntries: number;
  call: SubgraphCall;
  subgraphUrl(endpoint: { name: string; url: string }): string;
  /** Called with each request's plan before it runs (the tracing's planning span ends there). */
  didResolveQueryPlan?: (options: { requestContext: GatewayGraphQLRequestContext }) => void;
  logger: Logger;
}

/**
 * Apollo Server's gateway with our executor: Apollo Gateway keeps loading the supergraph and planning stays Apollo's
 * query planner (rebuilt with each supergraph), while plans run in `executePlan` and answers are shaped by the
 * compiled shaper of the operation.
 */
export function createOwnExecutorGateway(options: OwnExecutorOptions): GatewayLike {
  const { gateway, logger } = options;
  let current: SupergraphExecution | null = null;
  // Registered before Apollo Server's listener, so a new API schema is never served with the old supergraph's plans.
  const unsubscribe = gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    try {
      current = createSupergraphExecution({ ...options, apiSchema, coreSupergraphSdl });
    } catch (error) {
      current = null;
      logger.error(
        { err: { message: (error as Error).message } },
        "query planner could not read the supergraph",
      );
      throw error;
    }
  });

  const executor: Executor = async (requestContext) => {
    const execution = current;
    if (!execution) throw new Error("No supergraph to plan on");
    const { request, operation } = requestContext;
    // Apollo Server leaves variables to the gateway; their errors answer the request before anything is planned.
    const coerced = getVariableValues(
      requestContext.schema,
      operation.variableDefinitions ?? [],
      request.variables ?? {},
    );
    if (coerced.errors) return { errors: coerced.errors };

    const { plan, shaper } = execution.prepare(requestContext);
    options.didResolveQueryPlan?.({ requestContext });
    const { data, errors } = await executePlan(execution.deps, plan, {
      variables: request.variables,
      coercedVariables: coerced.coerced,
      context: requestContext.context as GatewayContext,
      cachePolicy: requestContext.overallCachePolicy,
    });
    return answer(() => shaper.shape(data, request.variables), errors);
  };

  return {
    async load(loadOptions) {
      const loaded = await gateway.load(loadOptions);
      return { ...loaded, executor };
    },
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    async stop() {
      unsubscribe();
      await gateway.stop();
    },
  };
}

/**
 * The response, as @apollo/gateway composes it: shaping's own errors (non-null violations) go to
 * `extensions.valueCompletion`, and only when the plan ran without errors, since a failed fetch explains them already.
 */
function answer(shape: () => ReturnType<ResponseShaper["shape"]>, errors: GraphQLError[]): ExecutionResult {
  let shaped: ReturnType<ResponseShaper["shape"]>;
  try {
    shaped = shape();
  } catch (error) {
    return { errors: [executionError(error)] };
  }
  if (errors.length === 0 && shaped.errors.length > 0) {
    return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
  }
  return errors.length === 0 ? { data: shaped.data } : { errors, data: shaped.data };
}
