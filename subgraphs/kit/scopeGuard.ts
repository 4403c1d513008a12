import {
  type ConstDirectiveNode,
  type DocumentNode,
  defaultFieldResolver,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  Kind,
  parse,
} from "graphql";
import {
  type AccessDirectiveNames,
  accessDenial,
  fieldRequirement,
  isUnrestricted,
  readAccessPolicy,
  satisfies,
} from "../../common/accessPolicy.ts";
import { codedError } from "../../common/errors.ts";
import type { SubgraphContext } from "./context.ts";

const FEDERATION_SPEC = "https://specs.apollo.dev/federation/";

function argument(directive: ConstDirectiveNode, name: string) {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

/**
 * A subgraph gets the directives from its federation `@link`: imported as `"@requiresScopes"` or renamed with
 * `{ name: "@requiresScopes", as: "@scopes" }`; not imported, they are `@federation__requiresScopes`.
 */
function federationDirectiveNames(typeDefs: DocumentNode): AccessDirectiveNames {
  const names: AccessDirectiveNames = {
    authenticated: "federation__authenticated",
    requiresScopes: "federation__requiresScopes",
  };
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      const url = argument(link, "url");
      const imports = argument(link, "import");
      if (link.name.value !== "link" || url?.kind !== Kind.STRING || !url.value.startsWith(FEDERATION_SPEC))
        continue;
      for (const item of imports?.kind === Kind.LIST ? imports.values : []) {
        const [imported, as] =
          item.kind === Kind.STRING
            ? [item.value, item.value]
            : item.kind === Kind.OBJECT
              ? ["name", "as"].map((key) => {
                  const value = item.fields.find((f) => f.name.value === key)?.value;
                  return value?.kind === Kind.STRING ? value.value : undefined;
                })
              : [];
        if (imported === "@authenticated") names.authenticated = (as ?? imported).slice(1);
        if (imported === "@requiresScopes") names.requiresScopes = (as ?? imported).slice(1);
      }
    }
  }
  return names;
}

/** `Type.field` of every top-level field named in an `@key(fields:)`. */
function keyFields(typeDefs: DocumentNode): Set<string> {
  const coordinates = new Set<string>();
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    for (const key of definition.directives ?? []) {
      const fields = argument(key, "fields");
      if (key.name.value !== "key" || fields?.kind !== Kind.STRING) continue;
      const selection = parse(`{ ${fields.value} }`).definitions[0];
      if (selection?.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const field of selection.selectionSet.selections) {
        if (field.kind === Kind.FIELD) coordinates.add(`${definition.name.value}.${field.name.value}`);
      }
    }
  }
  return coordinates;
}

/**
 * Defence in depth: the gateway already removes what a caller may not see, and this subgraph refuses it again for
 * the caller it verified itself, from the `@authenticated` / `@requiresScopes` of its own SDL (the rule the
 * gateway applies: field, owner type and returned type). Such a field resolves to null with UNAUTHORIZED or
 * UNAUTHENTICATED. Key fields keep only their type's requirement: the gateway's query plan selects them to join
 * entities across subgraphs, for a caller it has already authorised for the type.
 */
export function guardScopes(schema: GraphQLSchema, typeDefs: DocumentNode): GraphQLSchema {
  const policy = readAccessPolicy(typeDefs, federationDirectiveNames(typeDefs));
  if (policy.empty) return schema;
  const keys = keyFields(typeDefs);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const requirement = keys.has(coordinate)
        ? policy.type(type.name)
        : fieldRequirement(policy, schema, type, field.name, getNamedType(field.type));
      if (isUnrestricted(requirement)) continue;
      const resolve: GraphQLFieldResolver<unknown, SubgraphContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: SubgraphContext, info) => {
        if (satisfies(context.caller, requirement)) return resolve(source, args, context, info);
        const denial = accessDenial(context.caller, coordinate, requirement);
        throw codedError(denial.code, denial.message);
      };
    }
  }
  return schema;
}
