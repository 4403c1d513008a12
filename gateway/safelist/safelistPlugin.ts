import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { GatewayContext } from "../context.ts";
import { operationId, type SafelistManifest } from "./safelistManifest.ts";

/**
 * Safelist mode: only the operations of the manifest run, sent either by hash alone (the APQ extension; the text
 * comes from the manifest, so no registration round trip is needed) or as their exact text. Any other text,
 * introspection included, is refused with 400 OPERATION_NOT_ALLOWED before it is planned or registered as a
 * persisted query; a hash outside the manifest gets Apollo's own PERSISTED_QUERY_NOT_FOUND, as 400 here: in safelist
 * mode it is a final answer, not the APQ protocol's invitation to register the text.
 */
export function createSafelistPlugin(manifest: SafelistManifest): ApolloServerPlugin<GatewayContext> {
  const bodies = new Map(manifest.operations.map((operation) => [operation.id, operation.body]));
  return {
    async requestDidStart({ request }) {
      const persisted = request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
      const body = typeof persisted?.sha256Hash === "string" ? bodies.get(persisted.sha256Hash) : undefined;
      if (request.query === undefined && body !== undefined) {
        // Served from the manifest, not from the APQ cache (which may be off, or not yet hold it).
        const { persistedQuery: _, ...otherExtensions } = request.extensions ?? {};
        request.query = body;
        request.extensions = otherExtensions;
      }
      return {
        async didResolveOperation({ source }) {
          if (!bodies.has(operationId(source))) {
            throw new GraphQLError("Operation not in the safelist: send one of the published operations", {
              extensions: { code: "OPERATION_NOT_ALLOWED", http: { status: 400 } },
            });
          }
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          if (errors?.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND"))
            response.http.status = 400;
        },
      };
    },
  };
}
