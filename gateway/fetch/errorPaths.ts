import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from "graphql";

type ResponsePath = (string | number)[];

/**
 * The paths, in the fetch's own answer, of every field a subgraph fetch asked for: one per top-level field of a root
 * fetch, and one per representation and requested field (`["_entities", i, field]`) of an entity fetch. Errors
 * carrying them are rewritten by Apollo Gateway to the client's paths (`_entities[i]` becomes the i-th entity's place
 * in the answer), so a failed fetch nulls exactly its own fields, each with an error saying where.
 */
export function requestedFieldPaths(
  query: string,
  document: DocumentNode | undefined,
  representations: readonly unknown[] | null,
): ResponsePath[] {
  const parsed = document ?? parse(query);
  const operation = parsed.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) return [];
  const fragments = new Map(
    parsed.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  if (!representations) return responseNames(operation.selectionSet, null, fragments).map((name) => [name]);

  const entities = operation.selectionSet.selections.find(
    (selection) => selection.kind === Kind.FIELD && selection.name.value === "_entities",
  );
  const selectionSet = entities?.kind === Kind.FIELD ? entities.selectionSet : undefined;
  return representations.flatMap((representation, index) => {
    const typename = (representation as { __typename?: unknown } | null)?.__typename;
    const names = selectionSet
      ? responseNames(selectionSet, typeof typename === "string" ? typename : null, fragments)
      : [];
    // A type condition we cannot match by name (an interface) still gets its error, at the entity itself.
    return names.length > 0 ? names.map((name) => ["_entities", index, name]) : [["_entities", index]];
  });
}

/** Response names (alias or field name) selected on `typename`; every fragment applies when the type is unknown. */
function responseNames(
  selectionSet: SelectionSetNode,
  typename: string | null,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string[] {
  const names = new Set<string>();
  const applies = (condition: string | undefined) =>
    !condition || typename === null || condition === typename;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== "__typename") names.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(selection.typeCondition?.name.value)) {
        for (const name of responseNames(selection.selectionSet, typename, fragments)) names.add(name);
      }
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && applies(fragment.typeCondition.name.value)) {
        for (const name of responseNames(fragment.selectionSet, typename, fragments)) names.add(name);
      }
    }
  }
  return [...names];
}
