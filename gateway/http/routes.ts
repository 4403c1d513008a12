import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { sendJson, sendText } from "../../common/http/respond.ts";

/** An extra endpoint on the gateway's HTTP server: JSON (e.g. the caches' POST /ops/purge), or a file as it is. */
export interface HttpRoute {
  method: "GET" | "POST" | "DELETE";
  path: string;
  handle(request: {
    headers: IncomingHttpHeaders;
    /** Parsed JSON body, or undefined when there is none. */
    body: unknown;
    search: string;
    requestId: string;
  }): Promise<RouteResult>;
}

/** JSON, unless `contentType` is given: then `body` is sent as it is (a page, a script) with `headers`. */
export type RouteResult =
  | { status: number; body: unknown }
  | { status: number; body: string | Buffer; contentType: string; headers?: Record<string, string> };

export function sendRouteResult(response: ServerResponse, result: RouteResult): void {
  if ("contentType" in result)
    sendText(response, result.status, result.contentType, result.body, result.headers);
  else sendJson(response, result.status, result.body);
}
