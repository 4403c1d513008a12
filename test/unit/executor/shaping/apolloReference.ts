import { createRequire } from "node:module";
import { type FieldSelection, type Schema, Supergraph } from "@apollo/federation-internals";
import type { computeResponse } from "@apollo/gateway/dist/resultShaping.js";
import {
  type DocumentNode,
  executeSync,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  parse,
} from "graphql";

/** A supergraph's API schema in both models: Apollo's (for its computeResponse) and graphql-js' (for ours). */
export interface ApiSchemas {
  readonly apollo: Schema;
  readonly graphql: GraphQLSchema;
}

export function apiSchemasOf(supergraphSdl: string): ApiSchemas {
  // Our supergraph links SECURITY features (requiresScopes) that the default feature check refuses.
  const apollo = Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema();
  return { apollo, graphql: apollo.toGraphQLJSSchema() };
}

export interface ParsedOperation {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly fragments: Record<string, FragmentDefinitionNode>;
}

export function parseOperation(source: string, operationName?: string): ParsedOperation {
  const document = parse(source);
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (!operationName || definition.name?.value === operationName),
  );
  const [operation] = operations;
  if (!operation || operations.length > 1) throw new Error(`Expected one operation named ${operationName}`);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return { document, operation, fragments };
}

/** Apollo's executeIntrospection: the selection alone in a query over the API schema, executed by graphql-js. */
export function introspectAsApolloDoes(
  schemas: ApiSchemas,
  parsed: ParsedOperation,
  selection: FieldSelection,
  variables: Record<string, unknown> | undefined,
): unknown {
  const field = selection.expandFragments().toSelectionNode();
  const { data, errors } = executeSync({
    schema: schemas.graphql,
    document: {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          kind: Kind.OPERATION_DEFINITION,
          operation: OperationTypeNode.QUERY,
          variableDefinitions: parsed.operation.variableDefinitions,
          selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
        },
      ],
    },
    rootValue: {},
    variableValues: variables,
  });
  if (errors?.length || !data) throw new Error(`Introspection failed: ${JSON.stringify(errors)}`);
  return data[field.alias?.value ?? field.name.value];
}

/** The CommonJS module Apollo's executeQueryPlan calls computeResponse through, to observe its input. */
export function resultShapingModule(): { computeResponse: typeof computeResponse } {
  return createRequire(import.meta.url)("@apollo/gateway/dist/resultShaping.js");
}
