import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { INTERNAL_ERROR_MESSAGE, isPublicErrorCode, redactNumbers } from "../../common/errors.ts";
import type { Logger } from "./logger.ts";

/**
 * Keeps deliberate errors as they are and masks everything else (common/errors.ts's rule, the gateway's too), so
 * internals never reach a client; the original is logged without personal numbers.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isPublicErrorCode(formatted.extensions?.code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = unwrapResolverError(error);
    logger.error(
      {
        path: formatted.path,
        reason: redactNumbers(original instanceof Error ? original.message : String(original)),
        stack: original instanceof Error ? original.stack : undefined,
      },
      "internal error while resolving",
    );
    return {
      message: INTERNAL_ERROR_MESSAGE,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}
