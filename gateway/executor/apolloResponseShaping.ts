// Stand-in until gateway/executor/shaping/ lands: @apollo/gateway's own result shaping behind the shaping contract.
import { operationFromDocument, type Schema } from "@apollo/federation-internals";
import { computeResponse } from "@apollo/gateway/dist/resultShaping.js";
import {
  executeSync,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
} from "graphql";

export interface ResponseShaper {
  shape(
    input: Record<string, unknown> | null,
    variables: Record<string, unknown> | undefined,
  ): { data: Record<string, unknown> | null; errors: GraphQLError[] };
}

export function createApolloShaperCache(apiSchema: GraphQLSchema, internalApiSchema: Schema) {
  return {
    forOperation(
      operation: OperationDefinitionNode,
      fragments: Record<string, FragmentDefinitionNode>,
    ): ResponseShaper {
      const parsed = operationFromDocument(
        internalApiSchema,
        { kind: Kind.DOCUMENT, definitions: [operation, ...Object.values(fragments)] },
        { validate: false },
      );
      return {
        shape(input, variables) {
          const { data, errors } = computeResponse({
            operation: parsed,
            variables,
            input,
            introspectionHandling: (field) =>
              introspect(apiSchema, field.expandFragments().toSelectionNode(), operation, variables),
          });
          return { data: data ?? null, errors };
        },
      };
    },
  };
}

function introspect(
  schema: GraphQLSchema,
  field: FieldNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): unknown {
  const { data } = executeSync({
    schema,
    document: {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          kind: Kind.OPERATION_DEFINITION,
          operation: OperationTypeNode.QUERY,
          variableDefinitions: operation.variableDefinitions,
          selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
        },
      ],
    },
    rootValue: {},
    variableValues: variables,
  });
  return data?.[field.alias?.value ?? field.name.value];
}
