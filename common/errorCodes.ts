/** The fixed set of `extensions.code` values our own code raises (ARCHITECTURE.md, "Errors"). */
export const PRODUCT_ERROR_CODES: ReadonlySet<string> = new Set([
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "RATE_LIMITED",
  "QUERY_TOO_COMPLEX",
  "SUBGRAPH_UNAVAILABLE",
  "UPSTREAM_UNAVAILABLE",
  "INTERNAL_SERVER_ERROR",
]);

/** Apollo Server's own codes about a client's request: they describe the client's mistake, not ours. */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  "BAD_REQUEST",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "OPERATION_NOT_ALLOWED",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);
