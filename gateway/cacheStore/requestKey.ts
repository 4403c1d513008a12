import type { GraphQLRequestContextResponseForOperation } from "@apollo/server";
import type { GatewayContext } from "../context.ts";
import { operationKey } from "./keys.ts";

/**
 * The key of one GraphQL operation as the caller's visibility class sees it (response cache and dedup agree on it).
 * Built from what the client sent (text, requested operation name, variables), so the HTTP edge can compute the same
 * key from the raw body before Apollo Server parses anything.
 */
export function requestOperationKey(
  requestContext: GraphQLRequestContextResponseForOperation<GatewayContext>,
  version: string,
): string {
  return operationKey({
    version,
    document: requestContext.source,
    operationName: requestContext.request.operationName ?? null,
    variables: requestContext.request.variables,
    visibilityClass: requestContext.contextValue.visibilityClass,
  });
}
