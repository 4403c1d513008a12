import type { FieldSelection } from "@apollo/federation-internals";
import {
  type DocumentNode,
  executeSync,
  type FieldNode,
  type GraphQLSchema,
  Kind,
  OperationTypeNode,
  type VariableDefinitionNode,
  visit,
} from "graphql";

export type IntrospectionResolver = (variables: Record<string, unknown> | undefined) => unknown;

function usedVariableNames(node: FieldNode): Set<string> {
  const names = new Set<string>();
  visit(node, {
    enter(visited) {
      if (visited.kind === Kind.VARIABLE) names.add(visited.name.value);
    },
  });
  return names;
}

/**
 * A `__schema`/`__type` selection answered by graphql-js over the API schema, as Apollo's `executeIntrospection`
 * does: the field (fragments expanded) alone in a query with the variable definitions it uses.
 */
export function introspectionResolver(
  schema: GraphQLSchema,
  selection: FieldSelection,
  variableDefinitions: readonly VariableDefinitionNode[] | undefined,
): IntrospectionResolver {
  const field = selection.expandFragments().toSelectionNode();
  const used = usedVariableNames(field);
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        variableDefinitions: variableDefinitions?.filter((definition) =>
          used.has(definition.variable.name.value),
        ),
        selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
      },
    ],
  };
  const key = field.alias?.value ?? field.name.value;
  return (variables) => {
    const { data, errors } = executeSync({ schema, document, rootValue: {}, variableValues: variables });
    if ((errors && errors.length > 0) || !data) {
      throw new Error(
        `Introspection query for ${key} should not have failed but got ${JSON.stringify(errors)}`,
      );
    }
    return Object.hasOwn(data, key) ? data[key] : undefined;
  };
}
