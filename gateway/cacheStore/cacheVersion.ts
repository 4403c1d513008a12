import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import type { GatewayContext } from "../context.ts";
import { canonicalJson, sha256 } from "./keys.ts";

/**
 * The version every cache and dedup key carries. A stored answer is only right for the supergraph it was computed
 * under (its fields, and where `@requiresScopes` / `@authenticated` apply) and for the settings that change answers
 * without changing the supergraph (safelist and its manifest, introspection, operation limits). With both in every key,
 * no entry written before a reload, or before a restart with another policy, is ever read again: it waits for its TTL.
 */
export interface CacheVersion {
  /** The version of the schema served now: for lookups made before a request has a schema (the HTTP edge). */
  current(): string;
  /** The version of the schema a request was validated against (a reload may land while it runs). */
  of(schema: GraphQLSchema): string;
  /** Learns every schema as it loads; installed once on Apollo Server. */
  plugin: ApolloServerPlugin<GatewayContext>;
}

/** `policy`: everything besides the supergraph that shapes answers, as plain data. */
export function createCacheVersion(policy: unknown): CacheVersion {
  const policyHash = sha256(canonicalJson(policy)).slice(0, 16);
  const versions = new WeakMap<GraphQLSchema, string>();
  let current = `unloaded:${policyHash}`;
  return {
    current: () => current,
    of: (schema) => versions.get(schema) ?? current,
    plugin: {
      async serverWillStart() {
        return {
          schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
            current = `${sha256(coreSupergraphSdl ?? "").slice(0, 16)}:${policyHash}`;
            versions.set(apiSchema, current);
          },
        };
      },
    },
  };
}
