import {
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  print,
} from "graphql";
import { compileShaper, type ResponseShaper } from "./compileShaper.ts";
import { createSchemaFacts } from "./schemaFacts.ts";

export type { ResponseShaper, ShapeResult } from "./compileShaper.ts";

export interface ShaperCache {
  /** Compiled once per operation document (+ operation name); introspection fields executed with graphql-js inside. */
  forOperation(
    operation: OperationDefinitionNode,
    fragments: Record<string, FragmentDefinitionNode>,
  ): ResponseShaper;
}

const DEFAULT_MAX_ENTRIES = 1000;

function operationText(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): string {
  return [operation, ...Object.values(fragments)].map((node) => print(node)).join("\n");
}

export function createShaperCache(apiSchema: GraphQLSchema, options?: { maxEntries?: number }): ShaperCache {
  const facts = createSchemaFacts(apiSchema);
  const maxEntries = options?.maxEntries ?? DEFAULT_MAX_ENTRIES;
  // Apollo Server's document cache hands the same AST back for the same query, so the node is the cheap key; the
  // printed text catches the same operation parsed again (document cache off or evicted).
  const byNode = new WeakMap<OperationDefinitionNode, ResponseShaper>();
  const byText = new Map<string, ResponseShaper>();

  return {
    forOperation(operation, fragments) {
      const known = byNode.get(operation);
      if (known) return known;
      const text = operationText(operation, fragments);
      let shaper = byText.get(text);
      if (shaper) {
        byText.delete(text);
      } else {
        shaper = compileShaper(facts, operation, fragments);
        if (byText.size >= maxEntries) {
          const oldest = byText.keys().next();
          if (!oldest.done) byText.delete(oldest.value);
        }
      }
      byText.set(text, shaper);
      byNode.set(operation, shaper);
      return shaper;
    },
  };
}
