import type { ApolloServerPlugin } from "@apollo/server";
import {
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLFieldMap,
  type GraphQLFormattedError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import type { GatewayContext } from "../context.ts";
import type { DemandControlConfig } from "./config.ts";

export const QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX";

type Limits = DemandControlConfig;
type LimitName = "MAX_DEPTH" | "MAX_ALIASES" | "MAX_TOKENS" | "MAX_COST" | "MAX_BATCH";

/** Arguments that bound the length of a list field (Relay `first`/`last`, and the usual alternatives). */
const SIZE_ARGUMENTS = new Set(["first", "last", "limit", "pageSize"]);

export interface OperationMeasure {
  depth: number;
  aliases: number;
  cost: number;
}

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
 * Depth (nested field levels), aliases and an estimated cost: every field costs 1, and a list field
 * multiplies its sub-selection by its size argument (its connection's, for `edges`), or by `listSize`. Introspection
 * fields are not counted (introspection is switched on or off as a whole).
 */
export function measureOperation(input: {
  schema: GraphQLSchema;
  selectionSet: SelectionSetNode;
  rootType: GraphQLNamedType | undefined;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  listSize: number;
}): OperationMeasure {
  const { schema, fragments, variables, listSize } = input;

  function sizeArgument(value: ValueNode): number | null {
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const bound = variables[value.name.value];
      return typeof bound === "number" ? bound : null;
    }
    return null;
  }

  /**
   * connectionSize: the size argument of an enclosing non-list field (a Relay connection's `first`), which
   * its list fields (`edges`, `nodes`) have instead of the default list size.
   */
  function walk(
    selectionSet: SelectionSetNode,
    parentType: GraphQLNamedType | undefined,
    depth: number,
    spreading: ReadonlySet<string>,
    connectionSize: number | null,
  ): OperationMeasure {
    const total: OperationMeasure = { depth, aliases: 0, cost: 0 };
    const add = (part: OperationMeasure) => {
      total.depth = Math.max(total.depth, part.depth);
      total.aliases += part.aliases;
      total.cost += part.cost;
    };
    const fields: GraphQLFieldMap<unknown, unknown> | undefined =
      parentType && (isObjectType(parentType) || isInterfaceType(parentType))
        ? parentType.getFields()
        : undefined;

    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith("__")) continue;
        const definition = fields?.[selection.name.value];
        const sizeNode = selection.arguments?.find((argument) => SIZE_ARGUMENTS.has(argument.name.value));
        const size = sizeNode ? sizeArgument(sizeNode.value) : null;
        const isList = definition ? isListType(getNullableType(definition.type)) : false;
        const multiplier = isList ? Math.max(1, size ?? connectionSize ?? listSize) : 1;
        const child = selection.selectionSet
          ? walk(
              selection.selectionSet,
              definition && getNamedType(definition.type),
              depth + 1,
              spreading,
              isList ? null : size,
            )
          : { depth: depth + 1, aliases: 0, cost: 0 };
        add({
          depth: child.depth,
          aliases: (selection.alias ? 1 : 0) + multiplier * child.aliases,
          cost: 1 + multiplier * child.cost,
        });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parentType;
        add(walk(selection.selectionSet, type ?? undefined, depth, spreading, connectionSize));
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (!fragment || spreading.has(name)) continue;
        const type = schema.getType(fragment.typeCondition.name.value) ?? undefined;
        add(walk(fragment.selectionSet, type, depth, new Set([...spreading, name]), connectionSize));
      }
    }
    return total;
  }

  return walk(input.selectionSet, input.rootType, 0, new Set(), null);
}

/**
 * Query limits. Depth, aliases and cost are checked once the operation is resolved (before any plan or
 * fetch); tokens are enforced by graphql's own parser (`parseOptions.maxTokens`), whose syntax error is
 * rewritten into our code here; batch size is checked by the HTTP edge before Apollo sees the batch.
 */
export function createLimits(limits: Limits) {
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          const measure = measureOperation({
            schema,
            selectionSet: operation.selectionSet,
            rootType: schema.getRootType(operation.operation) ?? undefined,
            fragments,
            variables: request.variables ?? {},
            listSize: limits.costListSize,
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
