import {
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
} from "graphql";
import { collectSubfields } from "graphql/execution/collectFields.js";
import { getArgumentValues } from "graphql/execution/values.js";
import type { SubgraphContext } from "./context.ts";

/**
 * A field's load from its parent's key alone. Async, so a refused argument becomes a rejection the field's resolver
 * meets again at its own path. `args` is `never` so each field keeps its own generated argument type.
 */
export type FieldLoad = (key: string, args: never, ctx: SubgraphContext) => Promise<unknown>;

/**
 * graphql-js resolves a field only once its parent is in, so a root field's children that need nothing but the key
 * the query names (a province's communes, task progress, deployments) would wait a whole platform call for the
 * parent's record. This starts the loads of the children the query selects (through aliases and fragments, each
 * with its own arguments) in the same tick as the parent's, so they go out in the same batch window; the resolvers
 * then find them in the request's loaders, which fetch nothing twice. Called before the parent's own load, so that
 * their calls go out first. Only selected fields are loaded; a parent the platform does not know has cost their calls.
 */
export function prefetchSelected(
  info: GraphQLResolveInfo,
  key: string,
  ctx: SubgraphContext,
  loads: Record<string, FieldLoad>,
): void {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return;
  const selected = collectSubfields(info.schema, info.fragments, info.variableValues, type, info.fieldNodes);
  startSelectedLoads(type, selected, info.variableValues, [key], ctx, loads);
}

/**
 * Starts, for each key, the load of every field in `selected` (as `collectSubfields` gives them) that `loads` has,
 * with that field's arguments. A field whose arguments do not coerce starts nothing: validation answers for it.
 * Says whether any load started.
 */
export function startSelectedLoads(
  type: GraphQLObjectType,
  selected: Map<string, readonly FieldNode[]>,
  variables: Record<string, unknown>,
  keys: readonly string[],
  ctx: SubgraphContext,
  loads: Record<string, FieldLoad>,
): boolean {
  const definitions = type.getFields();
  const fields = [...selected.values()].flatMap(([node]) => {
    const definition = definitions[node!.name.value];
    return definition && loads[node!.name.value] ? [{ node: node!, definition }] : [];
  });
  // Lists of entities first: their answers are the longest to transfer and parse (a province's 130 communes against
  // one record), and their keys are what a federated plan's next fetches wait for. Calls go out as their loads start.
  fields.sort((a, b) => Number(listsEntities(b.definition)) - Number(listsEntities(a.definition)));
  let started = false;
  for (const { node, definition } of fields) {
    let args: never;
    try {
      args = getArgumentValues(definition, node, variables) as never;
    } catch {
      continue;
    }
    for (const key of keys) {
      // The field's resolver meets the same failure from the loader and reports it at its own path.
      loads[node.name.value]!(key, args, ctx).catch(() => {});
      started = true;
    }
  }
  return started;
}

/** Per field of the schema: read once, not on every request that prefetches it. */
const entityListFields = new WeakMap<GraphQLField<unknown, unknown>, boolean>();

/** A list of a type with `@key`. */
function listsEntities(field: GraphQLField<unknown, unknown>): boolean {
  let lists = entityListFields.get(field);
  if (lists === undefined) {
    const item = getNamedType(field.type);
    lists =
      isListType(getNullableType(field.type)) &&
      [item.astNode, ...item.extensionASTNodes].some((node) =>
        node?.directives?.some((directive) => directive.name.value === "key"),
      );
    entityListFields.set(field, lists);
  }
  return lists;
}
