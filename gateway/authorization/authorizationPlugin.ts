import { createHash } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import { type DocumentNode, getOperationAST, type OperationDefinitionNode, print } from "graphql";
import type { GatewayContext } from "../context.ts";
import type { Logger } from "../observability/logger.ts";
import { createSupergraphDerived } from "../supergraph/supergraphDerived.ts";
import { type AuthorizationPolicy, createAuthorizationPolicy } from "./authorizationPolicy.ts";
import { type AuthorizedOperation, applyAuthorization, authorizeOperation } from "./fieldAuthorization.ts";

/** The planner's cache key for a rewritten document: its own text, so each visible shape has its own plan. */
function hashDocument(document: DocumentNode): string {
  return createHash("sha256").update(print(document)).digest("hex");
}

/**
 * Enforces the supergraph's `@authenticated` / `@requiresScopes` for @apollo/gateway, which does not: before planning,
 * fields the caller may not see are removed from the document (and the query hash that keys the plan cache is
 * replaced, so callers who see different shapes never share a plan); after execution they are put back as nulls
 * with one UNAUTHORIZED / UNAUTHENTICATED error each. Goes before the response cache and dedup plugins, so the
 * errors are in place before they look at a response.
 */
export function createFieldAuthorizationPlugin(deps: { logger: Logger }): ApolloServerPlugin<GatewayContext> {
  // Until a supergraph is read, nothing is planned: Apollo Server loads one before it serves.
  const policy = createSupergraphDerived<AuthorizationPolicy | null>({
    initial: null,
    read: createAuthorizationPolicy,
    what: "supergraph authorization",
    logger: deps.logger,
  });
  return {
    ...policy.plugin,
    async requestDidStart() {
      let authorized: AuthorizedOperation | null = null;
      return {
        async didResolveOperation(requestContext) {
          const current = policy.current();
          if (!current) throw new Error("authorization policy not loaded");
          authorized = authorizeOperation({
            schema: requestContext.schema,
            policy: current,
            document: requestContext.document,
            operationName: requestContext.operationName,
            variables: requestContext.request.variables,
            caller: requestContext.contextValue.caller,
          });
          if (authorized.document === requestContext.document) return;
          // Apollo Server hands these to the gateway executor, which plans `document` and caches the plan by
          // `queryHash`; they are declared readonly for plugins only by convention.
          const writable = requestContext as unknown as {
            document: DocumentNode;
            queryHash: string;
            operation: OperationDefinitionNode | undefined;
          };
          writable.document = authorized.document;
          writable.queryHash = hashDocument(authorized.document);
          writable.operation =
            getOperationAST(authorized.document, requestContext.operationName) ?? undefined;
        },
        async willSendResponse(requestContext) {
          const body = requestContext.response.body;
          if (!authorized || body.kind !== "single") return;
          body.singleResult = applyAuthorization(body.singleResult, authorized);
        },
      };
    },
  };
}
