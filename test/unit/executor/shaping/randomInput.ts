import {
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";

/** A small deterministic generator (mulberry32), so a failing seed can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A raw merged input as plan execution could leave it for an operation: every selected field (under its response
 * name, whatever type condition it sits under), sometimes null where the type forbids it, sometimes a value of the
 * wrong kind, __typename of a possible type (or an unknown one), and fields the operation did not ask for.
 */
export function randomInput(
  schema: GraphQLSchema,
  rootType: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  random: () => number,
): Record<string, unknown> {
  function leaf(typeName: string, type: GraphQLOutputType): unknown {
    if (random() < 0.05) return [true, 3.5, "text", 12, { nested: 1 }][Math.floor(random() * 5)];
    const named = getNamedType(type);
    if (isEnumType(named)) {
      const values = named.getValues();
      return values[Math.floor(random() * values.length)]?.name ?? "NONE";
    }
    switch (typeName) {
      case "Int":
        return Math.floor(random() * 100);
      case "Float":
        return random() * 10;
      case "Boolean":
        return random() < 0.5;
      case "ID":
        return random() < 0.5 ? String(Math.floor(random() * 100)) : Math.floor(random() * 100);
      default:
        return `s${Math.floor(random() * 1000)}`;
    }
  }

  function fill(type: GraphQLCompositeType, set: SelectionSetNode, output: Record<string, unknown>): void {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (fragment) fill(type, fragment.selectionSet, output);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        fill(type, selection.selectionSet, output);
        continue;
      }
      const name = selection.name.value;
      const key = selection.alias?.value ?? name;
      if (name === "__typename" || name === "__schema" || name === "__type") continue;
      const parents = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
      const field = parents
        .map((parent) => parent.getFields()[name])
        .find((candidate) => candidate !== undefined);
      if (!field || Object.hasOwn(output, key)) continue;
      output[key] = value(field.type, selection.selectionSet);
    }
  }

  function value(type: GraphQLOutputType, set: SelectionSetNode | undefined): unknown {
    if (random() < (isNonNullType(type) ? 0.04 : 0.1)) return null;
    const nullable = isNonNullType(type) ? type.ofType : type;
    if (isListType(nullable)) {
      return Array.from({ length: Math.floor(random() * 4) }, () => value(nullable.ofType, set));
    }
    const named = getNamedType(nullable);
    if (!set || !(isObjectType(named) || isAbstractType(named))) return leaf(named.name, nullable);
    const possible = isAbstractType(named) ? schema.getPossibleTypes(named) : [named];
    const runtime = possible[Math.floor(random() * possible.length)] ?? named;
    const object: Record<string, unknown> = { extraKeyField: "fetched for a key" };
    const roll = random();
    if (roll < 0.03) object.__typename = "NotInTheApiSchema";
    else if (isAbstractType(named) || roll < 0.6) object.__typename = runtime.name;
    fill(runtime, set, object);
    return object;
  }

  const root: Record<string, unknown> = {};
  fill(rootType, selectionSet, root);
  return root;
}
