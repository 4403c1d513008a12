import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "./logger.ts";

/** Codes a client may see with their own message: ours (ARCHITECTURE.md) and Apollo Server's request-level ones. */
const PUBLIC_CODES = new Set([
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "RATE_LIMITED",
  "QUERY_TOO_COMPLEX",
  "SUBGRAPH_UNAVAILABLE",
  "UPSTREAM_UNAVAILABLE",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

/** Keeps deliberate errors as they are and masks everything else, so internals never reach a client. */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === "string" && PUBLIC_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = unwrapResolverError(error);
    logger.error(
      {
        path: formatted.path,
        reason: original instanceof Error ? original.message : String(original),
        stack: original instanceof Error ? original.stack : undefined,
      },
      "internal error while resolving",
    );
    return {
      message: "Internal server error",
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}
