import type { IncomingHttpHeaders } from "node:http";

/** An extra JSON endpoint on the gateway's HTTP server (e.g. the caches' POST /ops/purge). */
export interface HttpRoute {
  method: "GET" | "POST" | "DELETE";
  path: string;
  handle(request: {
    headers: IncomingHttpHeaders;
    /** Parsed JSON body, or undefined when there is none. */
    body: unknown;
    search: string;
    requestId: string;
  }): Promise<{ status: number; body: unknown }>;
}
