import { type GraphQLResolveInfo, getNamedType, isObjectType } from "graphql";
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
 * then find them in the request's loaders, which fetch nothing twice. Only selected fields are loaded; a parent the
 * platform does not know has cost their calls.
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
  const definitions = type.getFields();
  for (const [node] of selected.values()) {
    const name = node!.name.value;
    const load = loads[name];
    if (!load) continue;
    const args = getArgumentValues(definitions[name]!, node!, info.variableValues);
    // The field's resolver meets the same failure from the loader and reports it at its own path.
    load(key, args as never, ctx).catch(() => {});
  }
}
