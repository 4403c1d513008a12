import type { CacheHint, CachePolicy } from "@apollo/cache-control-types";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import {
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
} from "graphql";
import { fieldCacheRule, restrict, restricts, typeAnnotation, withDefaultMaxAge } from "./cacheHints.ts";
import { type FieldHook, hookFields } from "./fieldHooks.ts";

/** Fields and types without a hint: their answers are not cacheable unless a hint says how long. */
const DEFAULT_MAX_AGE = 0;

/**
 * `_entities` returns the `_Entity` union, which has no hint of its own: its answer is as fresh as the least fresh
 * type among the representations asked for (what @apollo/subgraph's entities resolver asks Apollo's plugin for).
 */
function entitiesHook(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): FieldHook<CachePolicy> {
  const entityHints = new Map<string, CacheHint>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) || isInterfaceType(type)) entityHints.set(type.name, typeAnnotation(type));
  }
  const { hint } = fieldCacheRule(field);
  return (policy, args) => {
    const entities: CacheHint = { ...hint };
    const representations = Array.isArray(args.representations) ? args.representations : [];
    for (const representation of representations as { __typename?: unknown }[]) {
      const typeHint = entityHints.get(String(representation?.__typename));
      if (typeHint) restrict(entities, typeHint);
    }
    policy.restrict(withDefaultMaxAge(entities, true, DEFAULT_MAX_AGE));
    return undefined;
  };
}

function staticHook(field: GraphQLField<unknown, unknown>): FieldHook<CachePolicy> | undefined {
  const { hint, takesDefault } = fieldCacheRule(field);
  const nested = withDefaultMaxAge(hint, takesDefault, DEFAULT_MAX_AGE);
  // A root field is never left without a maxAge, whatever it returns.
  const root = withDefaultMaxAge(hint, true, DEFAULT_MAX_AGE);
  if (!restricts(nested) && !restricts(root)) return undefined;
  return (policy, _args, info) => {
    policy.restrict(info.path.prev ? nested : root);
    return undefined;
  };
}

/**
 * Sends `Cache-Control` from the `@cacheControl` hints of the fields an answer resolved, as Apollo Server's
 * cache-control plugin does (`max-age=N, public|private`, or `no-store` for an answer with errors or without a
 * maxAge), which is disabled in its favour: that plugin hooks every field of every answer, this one only the
 * fields whose hint can restrict the answer (those returning objects, root fields, fields with a hint of their
 * own), each with a hint computed once from the SDL. Resolvers get no `info.cacheControl`; none sets a hint.
 */
export function cacheControlPlugin<TContext extends BaseContext>(
  schema: GraphQLSchema,
): ApolloServerPlugin<TContext> {
  const policies = new WeakMap<object, CachePolicy>();
  const queryType = schema.getQueryType();
  hookFields<CachePolicy>(
    schema,
    (context) => policies.get(context as object),
    (type: GraphQLObjectType, field) =>
      type === queryType && field.name === "_entities" ? entitiesHook(schema, field) : staticHook(field),
  );
  return {
    async requestDidStart({ contextValue, overallCachePolicy }) {
      policies.set(contextValue, overallCachePolicy);
      return {
        async willSendResponse({ response }) {
          const cacheable = overallCachePolicy.policyIfCacheable();
          const body = response.body;
          const clean = body.kind === "single" && !body.singleResult.errors;
          response.http.headers.set(
            "cache-control",
            cacheable && clean ? `max-age=${cacheable.maxAge}, ${cacheable.scope.toLowerCase()}` : "no-store",
          );
        },
      };
    },
  };
}
