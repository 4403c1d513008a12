import type { ApolloServerPlugin } from "@apollo/server";
import {
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLFormattedError,
  getVariableValues,
  Kind,
} from "graphql";
import type { GatewayContext } from "../context.ts";
import type { Logger } from "../observability/logger.ts";
import { createSupergraphDerived } from "../supergraph/supergraphDerived.ts";
import type { DemandControlConfig } from "./config.ts";
import { type CostDirectives, NO_COST_DIRECTIVES, readCostDirectives } from "./costDirectives.ts";
import { measureOperation } from "./measure.ts";
import { createMeasureMemo } from "./measureMemo.ts";

export const QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX";

type Limits = DemandControlConfig;
type LimitName = "MAX_DEPTH" | "MAX_ALIASES" | "MAX_TOKENS" | "MAX_COST" | "MAX_BATCH";

function limitExceeded(limit: LimitName, max: number, actual: string): GraphQLFormattedError {
  return {
    message: `${actual} exceeds the limit ${limit}=${max}`,
    extensions: { code: QUERY_TOO_COMPLEX, limit, max },
  };
}

function limitError(limit: LimitName, max: number, actual: string): GraphQLError {
  const formatted = limitExceeded(limit, max, actual);
  return new GraphQLError(formatted.message, {
    extensions: { ...formatted.extensions, http: { status: 400 } },
  });
}

/**
 * Query limits, each operation of a batch on its own. Depth, aliases and cost (on the supergraph's `@cost` /
 * `@listSize`, re-read whenever the supergraph changes) are measured in one pass once the operation is resolved, before
 * any plan or fetch; tokens are counted by graphql's own lexer (`parseOptions.maxTokens`), so an oversized document is
 * never even parsed whole, and its syntax error is rewritten into our code here; batch size is checked by the HTTP
 * edge before Apollo sees the batch.
 */
export function createLimits(limits: Limits, deps: { logger: Logger }) {
  const directives = createSupergraphDerived<CostDirectives>({
    initial: NO_COST_DIRECTIVES,
    read: readCostDirectives,
    // The previous sizes keep serving; a new schema's own fields then cost the default list size.
    what: "supergraph cost directives",
    logger: deps.logger,
  });
  const measures = createMeasureMemo();
  const plugin: ApolloServerPlugin<GatewayContext> = {
    ...directives.plugin,
    async requestDidStart() {
      return {
        // Not async on purpose: Apollo Server starts every plugin's didResolveOperation in one `map` before awaiting
        // them together, so a synchronous throw here keeps the later plugins (authorization's walk, which expands
        // fragments per spread) from ever starting on an operation refused for its size.
        didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return Promise.resolve();
          const measure = measures.of(operation, schema, directives.current(), request.variables, () => {
            const fragments: Record<string, FragmentDefinitionNode> = {};
            for (const definition of document.definitions) {
              if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
            }
            // Invalid variables fail execution later with their own error; until then only literals size the lists.
            const coerced = getVariableValues(
              schema,
              operation.variableDefinitions ?? [],
              request.variables ?? {},
            );
            return measureOperation({
              schema,
              directives: directives.current(),
              selectionSet: operation.selectionSet,
              rootType: schema.getRootType(operation.operation) ?? undefined,
              fragments,
              variables: coerced.coerced ?? {},
              listSize: limits.costListSize,
            });
          });
          if (measure.depth > limits.maxDepth) {
            throw limitError("MAX_DEPTH", limits.maxDepth, `Query depth ${measure.depth}`);
          }
          if (measure.aliases > limits.maxAliases) {
            throw limitError("MAX_ALIASES", limits.maxAliases, `${measure.aliases} aliases`);
          }
          if (measure.cost > limits.maxCost) {
            throw limitError("MAX_COST", limits.maxCost, `Estimated query cost ${measure.cost}`);
          }
          return Promise.resolve();
        },
      };
    },
  };

  return {
    plugin,
    parseOptions: { maxTokens: limits.maxTokens },

    /** graphql's "Document contains more than N tokens" syntax error, as a QUERY_TOO_COMPLEX error. */
    rewriteTokenLimitError(formatted: GraphQLFormattedError): GraphQLFormattedError | null {
      const isTokenLimit =
        formatted.extensions?.code === "GRAPHQL_PARSE_FAILED" &&
        // graphql 16 spells it "more that N tokens"; accept the corrected spelling of later versions too.
        /Document contains more tha[nt] \d+ tokens/.test(formatted.message);
      return isTokenLimit
        ? limitExceeded("MAX_TOKENS", limits.maxTokens, `Query with more than ${limits.maxTokens} tokens`)
        : null;
    },

    /** For the HTTP edge: a batch over the limit is refused before any of it runs. */
    checkBatchSize(operations: number): GraphQLFormattedError | null {
      return operations > limits.maxBatch
        ? limitExceeded("MAX_BATCH", limits.maxBatch, `A batch of ${operations} operations`)
        : null;
    },
  };
}

export type GatewayLimits = ReturnType<typeof createLimits>;
