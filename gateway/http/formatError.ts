import type { GraphQLFormattedError } from "graphql";
import {
  INTERNAL_ERROR_MESSAGE,
  INTERNAL_EXTENSIONS,
  isPublicErrorCode,
  redactNumbers,
} from "../../common/errors.ts";
import type { Logger } from "../observability/logger.ts";

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
    const origin = formatted.extensions?.serviceName !== undefined ? "subgraph" : "local";
    if (isPublicErrorCode(code, origin)) {
      const extensions = { ...formatted.extensions };
      for (const key of INTERNAL_EXTENSIONS) delete extensions[key];
      return { ...formatted, extensions };
    }
    deps.logger.error(
      {
        code: code ?? null,
        subgraph: formatted.extensions?.serviceName ?? null,
        message: redactNumbers(formatted.message),
      },
      "internal error masked",
    );
    return {
      message: INTERNAL_ERROR_MESSAGE,
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}
