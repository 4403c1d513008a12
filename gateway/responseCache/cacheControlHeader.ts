import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../context.ts";

/**
 * The Cache-Control the client sees. Apollo's cache-control plugin computes the policy (from our data
 * source's subgraph hints) but is told not to write headers; we only let shared caches keep PUBLIC,
 * error-free responses. PRIVATE data is never marked cacheable outside the gateway.
 */
export function createCacheControlHeaderPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ overallCachePolicy, response }) {
          const policy = overallCachePolicy.policyIfCacheable();
          const clean = response.body.kind === "single" && !response.body.singleResult.errors;
          response.http.headers.set(
            "cache-control",
            policy && clean && policy.scope === "PUBLIC" ? `max-age=${policy.maxAge}, public` : "no-store",
          );
        },
      };
    },
  };
}
