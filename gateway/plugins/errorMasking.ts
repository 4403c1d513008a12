import type { GraphQLFormattedError } from "graphql";
import { PRODUCT_ERROR_CODES, REQUEST_ERROR_CODES } from "../../common/errorCodes.ts";
import type { Logger } from "../observability/logger.ts";

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
      (PRODUCT_ERROR_CODES.has(code) || (!fromSubgraph && REQUEST_ERROR_CODES.has(code)));
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
