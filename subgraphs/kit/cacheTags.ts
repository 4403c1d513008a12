import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import {
  type DocumentNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  Kind,
} from "graphql";
import { boundedTags, CACHE_TAG_HEADER, entityTag } from "../../common/cacheTags.ts";
import { type FieldHook, hookFields } from "./fieldHooks.ts";

/**
 * Entities whose key is personal data (a citizen's id, a household of citizens): their tag is the type alone
 * (`citizen`), never the key, because tags are Redis key names and travel to CDNs in clear, and a 12-digit id hashed
 * without a secret is one brute-force away from the id. Purging `citizen:<anything>` still reaches them through `citizen`.
 */
const PERSONAL_KEY_TYPES = new Set(["Citizen", "Household"]);

/** `@key(fields: "code")` of every entity of the SDL, by type; compound keys have no one-value tag and are left out. */
export function entityKeyFields(typeDefs: DocumentNode): Map<string, string> {
  const keys = new Map<string, string>();
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) {
      continue;
    }
    const key = definition.directives?.find((directive) => directive.name.value === "key");
    const fields = key?.arguments?.find((argument) => argument.name.value === "fields")?.value;
    if (fields?.kind === Kind.STRING && /^\w+$/.test(fields.value.trim())) {
      keys.set(definition.name.value, fields.value.trim());
    }
  }
  return keys;
}

function tagOf(typename: string, keyValue: unknown): string | null {
  return PERSONAL_KEY_TYPES.has(typename) ? typename.toLowerCase() : entityTag(typename, keyValue);
}

function addTag(tags: Set<string>, typename: string, keyValue: unknown): void {
  const tag = tagOf(typename, keyValue);
  if (tag) tags.add(tag);
}

function addObjects(tags: Set<string>, typename: string, keyField: string, value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) addObjects(tags, typename, keyField, item);
  } else if (value !== null && typeof value === "object") {
    addTag(tags, typename, (value as Record<string, unknown>)[keyField]);
  }
}

/** How resolving `field` adds to its answer's tags; undefined for a field that can add none. */
function tagHook(
  keyFields: Map<string, string>,
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
): FieldHook<Set<string>> | undefined {
  if (field.name === "_entities") {
    return (tags, args) => {
      if (!Array.isArray(args.representations)) return undefined;
      for (const representation of args.representations as Record<string, unknown>[]) {
        const typename = representation?.__typename;
        const keyField = typeof typename === "string" ? keyFields.get(typename) : undefined;
        if (keyField) addTag(tags, typename as string, representation[keyField]);
      }
      return undefined;
    };
  }
  if (keyFields.get(type.name) === field.name) {
    return (tags) => (value) => addTag(tags, type.name, value);
  }
  const returned = getNamedType(field.type).name;
  const returnedKey = keyFields.get(returned);
  if (!returnedKey) return undefined;
  return (tags) => (value) => addObjects(tags, returned, returnedKey, value);
}

/**
 * Sends `Cache-Tag: province:40,commune:16681,…` with every answer: one tag per entity the answer holds, from the
 * entity's `@key`. An entity is found three ways, so that an answer is tagged whatever its query selects: a
 * representation of an `_entities` fetch, a resolved key field, or a resolved object of an entity type carrying its key
 * field (records are keyed by the same name as the GraphQL key). Only those fields are hooked (see `hookFields`).
 */
export function cacheTagsPlugin<TContext extends BaseContext>(
  schema: GraphQLSchema,
  typeDefs: DocumentNode,
): ApolloServerPlugin<TContext> {
  const keyFields = entityKeyFields(typeDefs);
  const tagSets = new WeakMap<object, Set<string>>();
  hookFields<Set<string>>(
    schema,
    (context) => tagSets.get(context as object),
    (type, field) => tagHook(keyFields, type, field),
  );
  return {
    async requestDidStart({ contextValue }) {
      const tags = new Set<string>();
      tagSets.set(contextValue, tags);
      return {
        async willSendResponse({ response }) {
          if (tags.size > 0) response.http.headers.set(CACHE_TAG_HEADER, boundedTags(tags).join(","));
        },
      };
    },
  };
}
