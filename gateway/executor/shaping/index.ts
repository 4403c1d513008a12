import type { FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode } from "graphql";
import { compileShaper, type ResponseShaper } from "./compileShaper.ts";
import { createSchemaFacts } from "./schemaFacts.ts";

export type { ResponseShaper, ShapeResult } from "./compileShaper.ts";

export interface ShaperCompiler {
  /**
   * Compiles the shaping of one operation; introspection fields are executed with graphql-js inside. Not cached here:
   * the executor keeps each compiled shaper with its plan, in the one cache of prepared operations.
   */
  compile(
    operation: OperationDefinitionNode,
    fragments: Record<string, FragmentDefinitionNode>,
  ): ResponseShaper;
}

/** What shaping needs of an API schema is worked out once per loaded supergraph. */
export function createShaperCompiler(apiSchema: GraphQLSchema): ShaperCompiler {
  const facts = createSchemaFacts(apiSchema);
  return { compile: (operation, fragments) => compileShaper(facts, operation, fragments) };
}
