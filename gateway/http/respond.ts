import type { ServerResponse } from "node:http";

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

/** A GraphQL-shaped error response for requests refused before Apollo Server sees them. */
export function sendGraphQLError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  sendJson(response, status, { errors: [{ message, extensions: { code, ...extensions } }] }, headers);
}

export function sendText(response: ServerResponse, status: number, contentType: string, text: string) {
  response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  response.end(text);
}
