import type { GraphQLSchema, OperationDefinitionNode } from "graphql";
import type { CostDirectives } from "./costDirectives.ts";
import type { OperationMeasure } from "./measure.ts";

/** Distinct variable sets remembered per operation; more empty that operation's memo (a dashboard has one per unit). */
const MAX_VARIABLE_SETS = 64;
/** Variables longer than this as JSON (a mutation's large input) are measured every time rather than kept. */
const MAX_KEY_LENGTH = 2048;

interface OperationMeasures {
  schema: GraphQLSchema;
  directives: CostDirectives;
  byVariables: Map<string, OperationMeasure>;
}

/**
 * An operation's measure depends only on its document, the variables that size its lists, the schema and the cost
 * directives, and Apollo Server hands every request of one query text the same parsed document. So the walk runs once
 * per (operation, variables), not once per request: an IOC screen polling its dashboard is measured once per unit. A
 * new supergraph (schema or directives) starts the operation's memo over; an operation no longer cached by Apollo
 * Server takes its memo with it.
 */
export function createMeasureMemo() {
  const byOperation = new WeakMap<OperationDefinitionNode, OperationMeasures>();
  return {
    of(
      operation: OperationDefinitionNode,
      schema: GraphQLSchema,
      directives: CostDirectives,
      variables: Record<string, unknown> | undefined,
      measure: () => OperationMeasure,
    ): OperationMeasure {
      let memo = byOperation.get(operation);
      if (!memo || memo.schema !== schema || memo.directives !== directives) {
        memo = { schema, directives, byVariables: new Map() };
        byOperation.set(operation, memo);
      }
      const key = JSON.stringify(variables ?? {});
      if (key.length > MAX_KEY_LENGTH) return measure();
      let measured = memo.byVariables.get(key);
      if (!measured) {
        measured = measure();
        if (memo.byVariables.size >= MAX_VARIABLE_SETS) memo.byVariables.clear();
        memo.byVariables.set(key, measured);
      }
      return measured;
    },
  };
}
