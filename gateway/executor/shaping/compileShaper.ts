import { operationFromDocument } from "@apollo/federation-internals";
import { type FragmentDefinitionNode, type GraphQLError, Kind, type OperationDefinitionNode } from "graphql";
import { createObjectBuilder } from "./buildObjects.ts";
import type { SchemaFacts } from "./schemaFacts.ts";
import { planSelectionSet } from "./shapePlan.ts";
import { startRun } from "./shapeRun.ts";

export interface ShapeResult {
  data: Record<string, unknown> | null;
  errors: GraphQLError[];
}

export interface ResponseShaper {
  /** Shapes the merged raw data of a plan's fetches into the answer for one operation: aliases, __typename,
   * @skip/@include, abstract-type conditions, null propagation; errors for non-null violations (Apollo puts these in
   * extensions.valueCompletion when the plan had no other errors — same contract as @apollo/gateway's computeResponse). */
  shape(input: Record<string, unknown> | null, variables: Record<string, unknown> | undefined): ShapeResult;
}

export function compileShaper(
  facts: SchemaFacts,
  operationNode: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): ResponseShaper {
  // The same model Apollo's executeQueryPlan builds per request, built once here: its normalisation (fields merged
  // by response name, fragments kept as Apollo walks them) is what makes our output match Apollo's byte for byte.
  const operation = operationFromDocument(
    facts.schema,
    { kind: Kind.DOCUMENT, definitions: [operationNode, ...Object.values(fragments)] },
    { validate: false },
  );
  const defaults = operation.collectDefaultedVariableValues();
  const rootType = facts.schema.schemaDefinition.rootType(operation.rootKind);
  if (!rootType) throw new Error(`The API schema has no ${operation.rootKind} type`);
  const rootTypeName = rootType.name;
  const plans = planSelectionSet(operation.selectionSet, facts, operationNode.variableDefinitions);
  const applyRoot = createObjectBuilder(facts).selections(plans);

  return {
    shape(input, variables) {
      if (!input) return { data: null, errors: [] };
      const run = startRun(variables, defaults);
      const data: Record<string, unknown> = {};
      const bubbled = applyRoot(input, data, run, rootTypeName);
      return { data: bubbled ? null : data, errors: run.errors };
    },
  };
}
