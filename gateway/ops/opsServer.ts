import type { IncomingMessage, ServerResponse } from "node:http";
import { readJson } from "../../common/http/body.ts";
import { HttpError } from "../../common/http/errors.ts";
import { createHttpServer, type HttpServer } from "../../common/http/listen.ts";
import { sendJson, sendText } from "../../common/http/respond.ts";
import { sendRouteResult } from "../http/routes.ts";
import type { Logger } from "../observability/logger.ts";
import type { OpsAnswer, OpsEndpoints } from "./opsEndpoints.ts";
import { STATUS_JSON_PATH, STATUS_PATH } from "./statusPage.ts";

/** Purge bodies are a few hundred bytes. */
const MAX_OPS_BODY_BYTES = 16 * 1024;

/**
 * The ops listener (OPS_HOST:OPS_PORT, loopback by default), apart from the public port the way Apollo Router serves
 * its metrics: /metrics and /ready with every detail, the /status page, /health, and the token-protected ops routes.
 */
export function createOpsServer(endpoints: OpsEndpoints, logger: Logger): HttpServer {
  const routes = new Map(endpoints.routes.map((route) => [`${route.method} ${route.path}`, route]));
  const send = (response: ServerResponse, answer: OpsAnswer) =>
    sendText(response, answer.status, answer.contentType, answer.body);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://ops");
    const method = request.method ?? "GET";
    const route = routes.get(`${method} ${url.pathname}`);
    if (route) {
      const body = method === "GET" ? undefined : await readJson(request, MAX_OPS_BODY_BYTES);
      const result = await route.handle({
        headers: request.headers,
        body,
        search: url.search,
        requestId: String(request.headers["x-request-id"] ?? ""),
      });
      return sendRouteResult(response, result);
    }
    if (method === "GET" && url.pathname === "/ready") return send(response, await endpoints.ready(true));
    if (method === "GET" && url.pathname === "/metrics") return send(response, await endpoints.metrics());
    if (method === "GET" && url.pathname === "/health") return sendJson(response, 200, { status: "ok" });
    if (method === "GET" && url.pathname === STATUS_PATH) return send(response, endpoints.statusPage());
    if (method === "GET" && url.pathname === STATUS_JSON_PATH)
      return send(response, await endpoints.statusReport());
    sendJson(response, 404, { error: `No ${method} ${url.pathname} here` });
  }

  return createHttpServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof HttpError) return sendJson(response, error.status, { error: error.message });
      logger.error({ err: { message: (error as Error).message } }, "ops request failed");
      if (response.headersSent) return void response.destroy();
      sendJson(response, 500, { error: "internal error" });
    });
  });
}
