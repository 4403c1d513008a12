import { GraphQLError } from "graphql";

/**
 * The one list of `extensions.code` values our code raises and clients may rely on (ARCHITECTURE.md,
 * Conventions). Gateway and subgraphs build their errors only through the constructors below.
 */
export const ERROR_CODES = [
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "RATE_LIMITED",
  "QUERY_TOO_COMPLEX",
  "SUBGRAPH_UNAVAILABLE",
  "UPSTREAM_UNAVAILABLE",
  "INTERNAL_SERVER_ERROR",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const PRODUCT_ERROR_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * Apollo Server's own codes about a client's request (plus BAD_REQUEST, which our HTTP edge uses the same way):
 * they describe the client's mistake, not ours.
 */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  "BAD_REQUEST",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "OPERATION_NOT_ALLOWED",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/** Codes meaning we (or a subgraph, or a platform) failed, as opposed to the client's request being refused. */
export const FAILURE_CODES: ReadonlySet<string> = new Set([
  "SUBGRAPH_UNAVAILABLE",
  "UPSTREAM_UNAVAILABLE",
  "INTERNAL_SERVER_ERROR",
]);

/** The body of every masked error: nothing about what went wrong inside. */
export const INTERNAL_ERROR_MESSAGE = "Internal server error";

/**
 * The one masking rule, applied by the gateway and by every subgraph: an error keeps its message only when its
 * code is one of ours or a request-level one, and never when it is INTERNAL_SERVER_ERROR (what any unexpected
 * throw becomes). Request-level codes coming from a subgraph are masked too: only our own query plan could have
 * caused them, so they describe internals, not the client's mistake.
 */
export function isPublicErrorCode(code: unknown, origin: "local" | "subgraph" = "local"): boolean {
  if (typeof code !== "string" || code === "INTERNAL_SERVER_ERROR") return false;
  return PRODUCT_ERROR_CODES.has(code) || (origin === "local" && REQUEST_ERROR_CODES.has(code));
}

/** Extension keys that may describe internals (stack traces, subgraph-side details) and never go out. */
export const INTERNAL_EXTENSIONS = ["stacktrace", "exception", "serviceName", "http"] as const;

/** Identifiers (12-digit citizen ids, tax codes, phone numbers) are personal data: not even in our logs. */
export function redactNumbers(text: string): string {
  return text.replace(/\d{9,}/g, "[number]");
}

export function codedError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export function badUserInput(message: string): GraphQLError {
  return codedError("BAD_USER_INPUT", message);
}

export function forbidden(message: string): GraphQLError {
  return codedError("FORBIDDEN", message);
}

export function unauthorized(message: string): GraphQLError {
  return codedError("UNAUTHORIZED", message);
}

export function unauthenticated(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return codedError("UNAUTHENTICATED", message, extensions);
}

export function rateLimited(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return codedError("RATE_LIMITED", message, extensions);
}

export function queryTooComplex(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return codedError("QUERY_TOO_COMPLEX", message, extensions);
}

/** A platform that failed; `detail` says how in our words (never the platform's own text). */
export function upstreamUnavailable(platform: string, detail: string): GraphQLError {
  return codedError("UPSTREAM_UNAVAILABLE", `${platform} platform unavailable: ${detail}`, { platform });
}

export function errorCodeOf(error: unknown): string | undefined {
  if (error instanceof GraphQLError) {
    const code = error.extensions.code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}
