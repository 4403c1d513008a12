import { GraphQLError } from "graphql";

/** The fixed set of `extensions.code` values clients may see (ARCHITECTURE.md, Conventions). */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "RATE_LIMITED"
  | "QUERY_TOO_COMPLEX"
  | "SUBGRAPH_UNAVAILABLE"
  | "UPSTREAM_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

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
