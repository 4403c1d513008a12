import { type ServerResponse, STATUS_CODES } from "node:http";
import type { HttpError } from "./errors.ts";

/** Writes a complete body with its length, so keep-alive clients need no chunked framing. */
export function sendText(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...headers,
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(response, status, "application/json; charset=utf-8", JSON.stringify(body), headers);
}

/** A GraphQL-shaped error for requests refused before the GraphQL server sees them. */
export function sendGraphQLError(
  response: ServerResponse,
  error: HttpError,
  headers: Record<string, string> = {},
): void {
  sendJson(
    response,
    error.status,
    { errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions } }] },
    { ...headers, ...error.headers },
  );
}

/** An RFC 9457 problem document: the REST dialect of the same refusal. */
export function sendProblem(response: ServerResponse, error: HttpError): void {
  const problem = {
    type: "about:blank",
    title: STATUS_CODES[error.status],
    status: error.status,
    detail: error.message,
  };
  sendText(
    response,
    error.status,
    "application/problem+json; charset=utf-8",
    JSON.stringify(problem),
    error.headers,
  );
}
