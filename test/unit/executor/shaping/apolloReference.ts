import { createRequire } from "node:module";
import { operationFromDocument, type Schema, Supergraph } from "@apollo/federation-internals";
import { computeResponse } from "@apollo/gateway/dist/resultShaping.js";
import {
  type DocumentNode,
  executeSync,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
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

/** Apollo Gateway's own shaping of `input`, with introspection answered as its executeQueryPlan does. */
export function apolloShape(
  schemas: ApiSchemas,
  parsed: ParsedOperation,
  input: Record<string, unknown> | null,
  variables?: Record<string, unknown>,
): { data: Record<string, unknown> | null | undefined; errors: GraphQLError[] } {
  const operation = operationFromDocument(
    schemas.apollo,
    { kind: Kind.DOCUMENT, definitions: [parsed.operation, ...Object.values(parsed.fragments)] },
    { validate: false },
  );
  return computeResponse({
    operation,
    variables,
    input,
    introspectionHandling: (selection) => {
      const field = selection.expandFragments().toSelectionNode();
      const { data } = executeSync({
        schema: schemas.graphql,
        document: {
          kind: Kind.DOCUMENT,
          definitions: [
            {
              kind: Kind.OPERATION_DEFINITION,
              operation: parsed.operation.operation,
              variableDefinitions: parsed.operation.variableDefinitions,
              selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
            },
          ],
        },
        rootValue: {},
        variableValues: variables,
      });
      return data?.[field.alias?.value ?? field.name.value];
    },
  });
}

/** The CommonJS module Apollo's executeQueryPlan calls computeResponse through, to observe its input. */
export function resultShapingModule(): { computeResponse: typeof computeResponse } {
  return createRequire(import.meta.url)("@apollo/gateway/dist/resultShaping.js");
}
