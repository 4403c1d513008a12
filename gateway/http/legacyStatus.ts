import type { HTTPGraphQLResponse } from "@apollo/server";

/** Apollo Server's codes for a document that does not parse or validate, and for variables that do not coerce. */
const REQUEST_ERROR_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]);

/**
 * The HTTP status of an answer under the GraphQL over HTTP specification's legacy `application/json` rule: clients of
 * that media type read errors from the body, so a well-formed request whose document fails to parse or validate, or
 * whose variables fail to coerce, is answered 200. Apollo Server answers 400, which is right for
 * `application/graphql-response+json` and stays so; every other status is kept as it is.
 */
export function legacyStatus(result: HTTPGraphQLResponse): number {
  const status = result.status ?? 200;
  if (status !== 400 || result.body.kind !== "complete") return status;
  if (!result.headers.get("content-type")?.startsWith("application/json")) return status;
  try {
    const body = JSON.parse(result.body.string) as {
      data?: unknown;
      errors?: { extensions?: { code?: unknown } }[];
    };
    const errors = body.errors ?? [];
    const requestErrors =
      errors.length > 0 && errors.every((error) => REQUEST_ERROR_CODES.has(String(error.extensions?.code)));
    return requestErrors ? 200 : status;
  } catch {
    return status;
  }
}
