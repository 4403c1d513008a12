import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { PRODUCT_ERROR_CODES, REQUEST_ERROR_CODES } from "../../common/errorCodes.ts";
import type { Logger } from "./logger.ts";

/**
 * Codes a client may see with their own message: ours (ARCHITECTURE.md) and Apollo Server's request-level ones. A
 * subgraph's INTERNAL_SERVER_ERROR is masked again here, with the original logged.
 */
const isPublicCode = (code: string) =>
  code !== "INTERNAL_SERVER_ERROR" && (PRODUCT_ERROR_CODES.has(code) || REQUEST_ERROR_CODES.has(code));

/** Keeps deliberate errors as they are and masks everything else, so internals never reach a client. */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === "string" && isPublicCode(code)) {
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
