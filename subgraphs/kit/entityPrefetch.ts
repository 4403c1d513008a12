import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getVariableValues,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
} from "graphql";
import { collectSubfields } from "graphql/execution/collectFields.js";
import type { SubgraphContext } from "./context.ts";
import { type FieldLoad, startSelectedLoads } from "./prefetch.ts";

/** Of one entity type: the key field its representations carry, and the field loads that need nothing else. */
export interface EntityFieldLoads {
  key: string;
  fields: Record<string, FieldLoad>;
}

/** By entity type name. Only fields whose data any caller may see belong here: a load runs before scopes are checked. */
export type EntityLoads = Record<string, EntityFieldLoads>;

/**
 * Starts, for one request's body, the loads its `_entities` operation will make, and says whether it started any;
 * ignores every other body.
 */
export type EntityPrefetch = (body: unknown, ctx: SubgraphContext) => boolean;

interface EntitiesOperation {
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  entities: FieldNode;
}

/** A gateway sends a handful of distinct `_entities` documents; more distinct ones than this empty the memo. */
const MAX_DOCUMENTS = 256;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A federated plan's `_entities` fetch waits, before anything reaches the platform, for Apollo Server's request
 * pipeline and for graphql-js to resolve every representation (131 for a province dashboard) up to the fields'
 * loads. The representations and the query already say which loads those will be: this starts them from the request
 * body, once the caller is known, so that work runs while the platform answers. The resolvers then find the loads in
 * the request's loaders, which fetch nothing twice. Only fields the query selects for a representation's type are
 * loaded (through fragments, `@skip`/`@include` and arguments, as graphql-js will), and only for keys the load accepts;
 * a body that is not an `_entities` operation, or whose variables do not coerce, starts nothing and is left to Apollo
 * Server to answer.
 */
export function createEntityPrefetch(schema: GraphQLSchema, loads: EntityLoads): EntityPrefetch {
  const documents = new Map<string, EntitiesOperation | null>();

  function entitiesOperation(query: string, operationName: unknown): EntitiesOperation | null {
    const memoKey = `${typeof operationName === "string" ? operationName : ""}\u0000${query}`;
    let found = documents.get(memoKey);
    if (found === undefined) {
      found = readEntitiesOperation(query, operationName);
      if (documents.size >= MAX_DOCUMENTS) documents.clear();
      documents.set(memoKey, found);
    }
    return found;
  }

  return (body, ctx) => {
    if (!isRecord(body) || typeof body.query !== "string" || !isRecord(body.variables)) return false;
    const representations = body.variables.representations;
    if (!Array.isArray(representations)) return false;
    const found = entitiesOperation(body.query, body.operationName);
    if (!found) return false;
    const coerced = getVariableValues(schema, found.operation.variableDefinitions ?? [], body.variables);
    if (coerced.errors) return false;
    const variables = coerced.coerced;

    const keysByType = new Map<string, string[]>();
    for (const representation of representations) {
      if (!isRecord(representation) || typeof representation.__typename !== "string") continue;
      const typeName = representation.__typename;
      if (!Object.hasOwn(loads, typeName)) continue;
      const key = representation[loads[typeName]!.key];
      if (typeof key !== "string") continue;
      const keys = keysByType.get(typeName);
      if (keys) keys.push(key);
      else keysByType.set(typeName, [key]);
    }
    let started = false;
    for (const [typeName, keys] of keysByType) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) continue;
      const selected = collectSubfields(schema, found.fragments, variables, type, [found.entities]);
      started = startSelectedLoads(type, selected, variables, keys, ctx, loads[typeName]!.fields) || started;
    }
    return started;
  };
}

function readEntitiesOperation(query: string, operationName: unknown): EntitiesOperation | null {
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return null;
  }
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    typeof operationName === "string"
      ? operations.find((candidate) => candidate.name?.value === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
  if (operation?.operation !== "query") return null;
  const entities = operation.selectionSet.selections.find(
    (selection): selection is FieldNode =>
      selection.kind === Kind.FIELD && selection.name.value === "_entities",
  );
  if (!entities) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return { operation, fragments, entities };
}
