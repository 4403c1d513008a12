import { type ServerResponse, STATUS_CODES } from "node:http";
import type { HttpError } from "./errors.ts";

/**
 * Ends the response with a complete body and its length, so keep-alive clients need no chunked framing. A string is
 * encoded once here: handed to node:http as is, it would be measured for Content-Length (a full UTF-8 pass, after
 * flattening a concatenated string such as Apollo Server's answer) and then encoded again in writev, which was about
 * 4 % of a request's CPU for an answer of tens of kilobytes. Headers already set on `response` are kept.
 */
export function endWithBytes(response: ServerResponse, body: string | Buffer): void {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  response.setHeader("content-length", bytes.length);
  response.end(bytes);
}

/** Writes a complete body with its status, type and length. */
export function sendText(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader("content-type", contentType);
  endWithBytes(response, body);
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
