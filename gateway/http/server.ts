import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { type ApolloServer, HeaderMap } from "@apollo/server";
import type { GraphQLError } from "graphql";
import { INTERNAL_ERROR_MESSAGE } from "../../common/errors.ts";
import { readJson, readJsonWithText } from "../../common/http/body.ts";
import { HttpError } from "../../common/http/errors.ts";
import { endWithBytes, sendGraphQLError, sendJson, sendText } from "../../common/http/respond.ts";
import type { CallerResolver } from "../authentication/callerResolver.ts";
import type { WriteWindow } from "../cacheStore/writeWindow.ts";
import { createGatewayContext, type GatewayContext } from "../context.ts";
import type { EdgeDedup } from "../dedup/edgeDedup.ts";
import type { GatewayLimits } from "../demandControl/limits.ts";
import type { Logger } from "../observability/logger.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";
import { createRequestSummary, type RequestSummary } from "../observability/requestSummary.ts";
import type { GatewayTracing } from "../observability/tracing.ts";
import type { OpsEndpoints } from "../ops/opsEndpoints.ts";
import { STATUS_JSON_PATH, STATUS_PATH } from "../ops/statusPage.ts";
import { cacheTagHeadersOf, servedCacheControl } from "../responseCache/cacheControlHeader.ts";
import {
  CACHE_HEADER,
  type CachedHttpResponse,
  type CachedResponseReader,
} from "../responseCache/responseCache.ts";
import { getRequestBody, hasPreflightHeader } from "./getRequestBody.ts";
import { legacyStatus } from "./legacyStatus.ts";
import { REQUEST_ID_HEADER, requestIdOf } from "./requestId.ts";
import { type HttpRoute, sendRouteResult } from "./routes.ts";

export const GRAPHQL_PATH = "/graphql";
const BAD_REQUEST = "BAD_REQUEST";
const JSON_TYPES = new Set(["application/json", "application/graphql-response+json"]);

/** What the one log line needs to know about a GraphQL request beyond its status and duration. */
type RequestRecord = Pick<RequestSummary, "context" | "edgeErrorCode">;

export interface HttpHandlerDeps {
  apollo: ApolloServer<GatewayContext>;
  logger: Logger;
  metrics: GatewayMetrics;
  limits: GatewayLimits;
  maxBodyBytes: number;
  resolveCaller: CallerResolver;
  /** /ready and /metrics: their details only for the ops token here (the ops listener serves them to operators). */
  ops: OpsEndpoints;
  /** The HTML page for browsers, given the origin they used. */
  landingPage: (origin: string) => Promise<string>;
  routes: HttpRoute[];
  /** Response-cache hits written straight from the store; null when the response cache is not wired. */
  cachedResponses: CachedResponseReader | null;
  /** Identical concurrent plain POST queries answered from one execution's bytes; null when dedup is off. */
  edgeDedup: EdgeDedup | null;
  /** Runs a GraphQL request inside its trace span; null when tracing is off. */
  traceRequest: GatewayTracing["traceRequest"] | null;
  /** Told when each GraphQL answer starts and is written, so cache writes wait for a quiet moment. */
  writeWindow?: WriteWindow;
}

// The Host header is only echoed into our own escaped HTML, so a forged one harms nobody but its sender.
const originOf = (request: IncomingMessage) => `http://${request.headers.host ?? "localhost"}`;

const mediaTypeOf = (header: string | undefined) => header?.split(";")[0]?.trim().toLowerCase() || null;

/** Browsers navigating to /graphql get the landing page; GraphQL clients never send text/html first. */
const wantsHtml = (request: IncomingMessage, search: URLSearchParams) =>
  !search.has("query") && !search.has("extensions") && (request.headers.accept ?? "").includes("text/html");

/**
 * The node:http edge: request id, the small fixed endpoints, and the checks Apollo Server cannot do on a
 * parsed body (size, JSON syntax, media type, batch size) before the GraphQL request reaches it.
 */
export function createHttpHandler(deps: HttpHandlerDeps) {
  const summarize = createRequestSummary({ logger: deps.logger, metrics: deps.metrics });
  const routes = new Map(deps.routes.map((route) => [`${route.method} ${route.path}`, route]));

  /** The parsed body, and its text as sent (the edge's dedup key). */
  async function graphqlBody(request: IncomingMessage): Promise<{ value: unknown; text: string }> {
    const mediaType = mediaTypeOf(request.headers["content-type"]);
    if (!mediaType || !JSON_TYPES.has(mediaType)) {
      throw new HttpError(
        415,
        BAD_REQUEST,
        `POST ${GRAPHQL_PATH} needs Content-Type: application/json (got ${mediaType ?? "none"})`,
      );
    }
    const { value: body, text } = await readJsonWithText(request, deps.maxBodyBytes);
    if (body === undefined) {
      throw new HttpError(400, BAD_REQUEST, 'Request body is empty: send {"query": "..."}');
    }
    if (Array.isArray(body)) {
      if (body.length === 0)
        throw new HttpError(400, BAD_REQUEST, "Batch is empty: send at least one operation");
      const tooMany = deps.limits.checkBatchSize(body.length);
      if (tooMany)
        throw new HttpError(400, String(tooMany.extensions?.code), tooMany.message, {
          extensions: tooMany.extensions,
        });
    } else if (body === null || typeof body !== "object") {
      throw new HttpError(400, BAD_REQUEST, 'Request body must be a JSON object like {"query": "..."}');
    }
    return { value: body, text };
  }

  async function serveGraphQL(
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
    search: string,
    record: RequestRecord,
  ) {
    const method = request.method ?? "GET";
    if (method !== "GET" && method !== "POST") {
      throw new HttpError(
        405,
        BAD_REQUEST,
        `${method} is not supported on ${GRAPHQL_PATH}: use GET or POST`,
        {
          headers: { allow: "GET, POST" },
        },
      );
    }
    const posted = method === "POST" ? await graphqlBody(request) : null;
    const body = posted?.value;
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    // The caller is resolved once (it is also where the rate limiter charges, one point per operation of a batch), for
    // the edge's cache lookup and for Apollo Server alike; a refusal is answered by Apollo Server from the same rejected
    // promise.
    const admission = {
      operations: Array.isArray(body) ? body.length : 1,
      setHeader: (name: string, value: string) => response.setHeader(name, value),
    };
    let contextPromise: Promise<GatewayContext> | null = null;
    const contextOf = () => {
      contextPromise ??= deps.resolveCaller(request, admission).then(
        (caller) => {
          const context = createGatewayContext({ requestId, caller, logger: deps.logger });
          record.context = context;
          return context;
        },
        (error: unknown) => {
          // Apollo answers with this error; the request log should still name its code.
          record.edgeErrorCode = String((error as GraphQLError).extensions?.code ?? "INTERNAL_SERVER_ERROR");
          throw error;
        },
      );
      return contextPromise;
    };
    // A GET is looked up too (the IOC dashboard's persisted query is one), when it passes Apollo Server's CSRF check.
    const cacheable =
      posted?.value ??
      (method === "GET" && deps.cachedResponses && hasPreflightHeader(request.headers)
        ? getRequestBody(new URLSearchParams(search))
        : null);
    // Both need the caller first: a refused caller is answered by Apollo Server, never from someone else's answer.
    const context =
      (cacheable && deps.cachedResponses) || (posted && deps.edgeDedup)
        ? await contextOf().catch(() => null)
        : null;
    if (context && cacheable && deps.cachedResponses) {
      const cached = await deps.cachedResponses(cacheable, context);
      if (cached) return writeCachedResponse(request, response, context, cached);
    }
    const turn =
      posted && context && deps.edgeDedup
        ? await deps.edgeDedup.arrive({ body, text: posted.text, accept: request.headers.accept }, context)
        : null;
    if (turn?.kind === "follow") {
      response.statusCode = turn.answer.status;
      for (const [name, value] of turn.answer.headers) response.setHeader(name, value);
      endWithBytes(response, turn.answer.body);
      return;
    }
    const result = await deps.apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers, search, body },
        context: contextOf,
      })
      .catch((error: unknown) => {
        if (turn?.kind === "execute") turn.abandon();
        throw error;
      });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = legacyStatus(result);
    if (result.body.kind === "complete") {
      const { string } = result.body;
      endWithBytes(
        response,
        turn ? turn.settle({ status: response.statusCode, headers: result.headers, body: string }) : string,
      );
      return;
    }
    turn?.abandon();
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  /** What the response cache plugin and Apollo Server would have sent for the same hit, minus the re-encoding. */
  function writeCachedResponse(
    request: IncomingMessage,
    response: ServerResponse,
    context: GatewayContext,
    cached: CachedHttpResponse,
  ) {
    context.cacheOutcomes.response = "hit";
    context.operations.push({ name: cached.operationName, outcome: "ok", errorCodes: [] });
    const accept = request.headers.accept ?? "";
    const mediaType =
      accept.includes("application/graphql-response+json") && !accept.includes("application/json")
        ? "application/graphql-response+json"
        : "application/json";
    response.statusCode = 200;
    response.setHeader("content-type", `${mediaType}; charset=utf-8`);
    response.setHeader(CACHE_HEADER, "HIT");
    response.setHeader(
      "cache-control",
      servedCacheControl(cached.scope, cached.maxAge, cached.staleWhileRevalidate),
    );
    response.setHeader("age", String(cached.ageSeconds));
    for (const [name, value] of cacheTagHeadersOf(cached.cacheTag)) response.setHeader(name, value);
    endWithBytes(response, cached.body);
  }

  async function serveRoute(
    route: HttpRoute,
    request: IncomingMessage,
    response: ServerResponse,
    search: string,
    requestId: string,
  ) {
    const body = request.method === "GET" ? undefined : await readJson(request, deps.maxBodyBytes);
    const result = await route.handle({ headers: request.headers, body, search, requestId });
    sendRouteResult(response, result);
  }

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const startedAt = performance.now();
    const requestId = requestIdOf(request);
    response.setHeader(REQUEST_ID_HEADER, requestId);
    const url = new URL(request.url ?? "/", "http://gateway");
    const method = request.method ?? "GET";
    const record: RequestRecord = { context: null, edgeErrorCode: null };

    try {
      if (url.pathname === GRAPHQL_PATH) {
        if (method === "GET" && wantsHtml(request, url.searchParams)) {
          return sendText(
            response,
            200,
            "text/html; charset=utf-8",
            await deps.landingPage(originOf(request)),
          );
        }
        // "close" follows "finish", and also ends an answer whose client went away before it was written.
        const answered = deps.writeWindow?.open();
        if (answered) response.once("close", answered);
        response.on("finish", () =>
          summarize({
            requestId,
            status: response.statusCode,
            durationMs: performance.now() - startedAt,
            ...record,
          }),
        );
        const serve = () => serveGraphQL(request, response, requestId, url.search, record);
        return await (deps.traceRequest ? deps.traceRequest(request, response, serve) : serve());
      }
      const route = routes.get(`${method} ${url.pathname}`);
      if (route) return await serveRoute(route, request, response, url.search, requestId);
      if (method !== "GET" && method !== "HEAD") {
        return sendJson(response, 404, { error: `No ${method} ${url.pathname} here` });
      }
      switch (url.pathname) {
        case "/health":
          return sendJson(response, 200, { status: "ok" });
        case "/ready": {
          const ready = await deps.ops.ready(deps.ops.authorized(request.headers));
          return sendText(response, ready.status, ready.contentType, ready.body);
        }
        case "/metrics": {
          if (!deps.ops.authorized(request.headers)) {
            return sendJson(response, 404, {
              error: `No ${url.pathname} here; GraphQL is at ${GRAPHQL_PATH}`,
            });
          }
          const metrics = await deps.ops.metrics();
          return sendText(response, metrics.status, metrics.contentType, metrics.body);
        }
        case STATUS_PATH: {
          const page = deps.ops.statusPage();
          return sendText(response, page.status, page.contentType, page.body);
        }
        case STATUS_JSON_PATH: {
          if (!deps.ops.authorized(request.headers)) {
            return sendJson(response, 401, {
              error: "the ops token is required here (or use the ops listener)",
            });
          }
          const status = await deps.ops.statusReport();
          return sendText(response, status.status, status.contentType, status.body);
        }
        case "/":
          return sendText(
            response,
            200,
            "text/html; charset=utf-8",
            await deps.landingPage(originOf(request)),
          );
        default:
          return sendJson(response, 404, { error: `No ${url.pathname} here; GraphQL is at ${GRAPHQL_PATH}` });
      }
    } catch (error) {
      if (error instanceof HttpError) {
        record.edgeErrorCode = error.code;
        if (response.headersSent) return void response.end();
        return sendGraphQLError(response, error);
      }
      deps.logger.error(
        { requestId, err: { message: (error as Error).message } },
        "request failed inside the gateway",
      );
      if (response.headersSent) return void response.destroy();
      record.edgeErrorCode = "INTERNAL_SERVER_ERROR";
      sendGraphQLError(response, new HttpError(500, "INTERNAL_SERVER_ERROR", INTERNAL_ERROR_MESSAGE));
    }
  };
}
