import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { type DocumentNode, getNamedType, Kind } from "graphql";
import { boundedTags, CACHE_TAG_HEADER, entityTag } from "../../common/cacheTags.ts";

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

/**
 * Sends `Cache-Tag: province:40,commune:16681,…` with every answer: one tag per entity the answer holds, from the
 * entity's `@key`. An entity is found three ways, so that an answer is tagged whatever its query selects: a
 * representation of an `_entities` fetch, a resolved key field, or a resolved object of an entity type carrying its key
 * field (records are keyed by the same name as the GraphQL key).
 */
export function cacheTagsPlugin<TContext extends BaseContext>(
  typeDefs: DocumentNode,
): ApolloServerPlugin<TContext> {
  const keyFields = entityKeyFields(typeDefs);
  const tagOf = (typename: string, keyValue: unknown) =>
    PERSONAL_KEY_TYPES.has(typename) ? typename.toLowerCase() : entityTag(typename, keyValue);

  return {
    async requestDidStart() {
      const tags = new Set<string>();
      const add = (typename: string, keyValue: unknown) => {
        const tag = tagOf(typename, keyValue);
        if (tag) tags.add(tag);
      };
      const addObjects = (typename: string, keyField: string, value: unknown) => {
        if (Array.isArray(value)) {
          for (const item of value) addObjects(typename, keyField, item);
        } else if (value !== null && typeof value === "object") {
          add(typename, (value as Record<string, unknown>)[keyField]);
        }
      };
      return {
        async executionDidStart() {
          return {
            willResolveField({ info, args }) {
              if (info.fieldName === "_entities" && Array.isArray(args.representations)) {
                for (const representation of args.representations as Record<string, unknown>[]) {
                  const typename = representation?.__typename;
                  const keyField = typeof typename === "string" ? keyFields.get(typename) : undefined;
                  if (keyField) add(typename as string, representation[keyField]);
                }
                return;
              }
              const parentKey = keyFields.get(info.parentType.name);
              if (parentKey === info.fieldName) {
                return (error, result) => {
                  if (!error) add(info.parentType.name, result);
                };
              }
              const returned = getNamedType(info.returnType).name;
              const returnedKey = keyFields.get(returned);
              if (!returnedKey) return;
              return (error, result) => {
                if (!error) addObjects(returned, returnedKey, result);
              };
            },
          };
        },
        async willSendResponse({ response }) {
          if (tags.size > 0) response.http.headers.set(CACHE_TAG_HEADER, boundedTags(tags).join(","));
        },
      };
    },
  };
}
