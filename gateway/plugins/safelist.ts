import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { operationId, type SafelistManifest } from "../auth/safelistManifest.ts";
import type { GatewayContext } from "../context.ts";

function refused(code: "OPERATION_NOT_ALLOWED" | "PERSISTED_QUERY_NOT_FOUND", message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/**
 * Safelist mode: only the operations of the manifest run, sent either by hash alone (the APQ extension; the text
 * comes from the manifest, so no registration round trip is needed) or as their exact text. Everything else,
 * introspection included, is refused before it is parsed.
 */
export function createSafelistPlugin(manifest: SafelistManifest): ApolloServerPlugin<GatewayContext> {
  const bodies = new Map(manifest.operations.map((operation) => [operation.id, operation.body]));
  return {
    async requestDidStart({ request }) {
      const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      if (request.query === undefined) {
        if (typeof hash !== "string") return;
        const body = bodies.get(hash);
        if (!body)
          throw refused(
            "PERSISTED_QUERY_NOT_FOUND",
            "Unknown operation hash: this gateway only runs its safelist",
          );
        request.query = body;
        return;
      }
      if (!bodies.has(operationId(request.query))) {
        throw refused(
          "OPERATION_NOT_ALLOWED",
          "Operation not in the safelist: send one of the published operations",
        );
      }
    },
  };
}
