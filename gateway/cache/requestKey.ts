import type { GraphQLRequestContextResponseForOperation } from "@apollo/server";
import type { GatewayContext } from "../context.ts";
import { operationKey } from "./keys.ts";

/** The key of one GraphQL operation as the caller's visibility class sees it (response cache and dedup agree on it). */
export function requestOperationKey(
  requestContext: GraphQLRequestContextResponseForOperation<GatewayContext>,
): string {
  return operationKey({
    document: requestContext.source,
    operationName: requestContext.operationName,
    variables: requestContext.request.variables,
    visibilityClass: requestContext.contextValue.visibilityClass,
  });
}
