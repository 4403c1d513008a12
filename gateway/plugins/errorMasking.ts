import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "../observability/logger.ts";

/** The fixed set of codes our own code raises (ARCHITECTURE.md). */
const PRODUCT_CODES = new Set([
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

/** Apollo Server's own codes about the client's request: they describe the client's mistake, not ours. */
const REQUEST_CODES = new Set([
  "BAD_REQUEST",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "OPERATION_NOT_ALLOWED",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/** Extension keys that may describe internals (stack traces, subgraph-side details) and never go out. */
const INTERNAL_EXTENSIONS = ["stacktrace", "exception", "serviceName", "http"];

export type ErrorRewrite = (formatted: GraphQLFormattedError) => GraphQLFormattedError | null;

/**
 * Apollo Server's `formatError`: product and request errors pass (without internal extensions); anything
 * else, including a subgraph's request errors, which only our own plan could have caused, becomes a generic
 * INTERNAL_SERVER_ERROR. The original is logged for operators.
 */
export function createErrorFormatter(deps: { logger: Logger; rewrites: ErrorRewrite[] }) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    for (const rewrite of deps.rewrites) {
      const rewritten = rewrite(formatted);
      if (rewritten) return rewritten;
    }
    const code = formatted.extensions?.code;
    const fromSubgraph = formatted.extensions?.serviceName !== undefined;
    // INTERNAL_SERVER_ERROR is also what Apollo gives any unexpected throw: its message is never trusted.
    const allowed =
      typeof code === "string" &&
      code !== "INTERNAL_SERVER_ERROR" &&
      (PRODUCT_CODES.has(code) || (!fromSubgraph && REQUEST_CODES.has(code)));
    if (allowed) {
      const extensions = { ...formatted.extensions };
      for (const key of INTERNAL_EXTENSIONS) delete extensions[key];
      return { ...formatted, extensions };
    }
    deps.logger.error(
      {
        code: code ?? null,
        subgraph: formatted.extensions?.serviceName ?? null,
        // Identifiers (12-digit citizen ids, tax codes, phone numbers) are personal data: not even in our logs.
        message: formatted.message.replace(/\d{9,}/g, "[number]"),
      },
      "internal error masked",
    );
    return {
      message: "Internal server error",
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}
