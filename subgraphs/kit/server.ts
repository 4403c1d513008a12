import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApolloServer, type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/resolverMap.js";
import type { DocumentNode } from "graphql";
import { INTERNAL_ERROR_MESSAGE } from "../../common/errors.ts";
import { parseJson, readBody } from "../../common/http/body.ts";
import { HttpError } from "../../common/http/errors.ts";
import { createHttpServer } from "../../common/http/listen.ts";
import { endWithBytes, sendGraphQLError, sendJson } from "../../common/http/respond.ts";
import { traceServerRequest } from "../../common/tracing.ts";
import { cacheControlPlugin } from "./cacheControl.ts";
import { cacheTagsPlugin } from "./cacheTags.ts";
import { createCallerContextReader } from "./callerContext.ts";
import type { SubgraphConfig } from "./config.ts";
import type { SubgraphContext } from "./context.ts";
import { createEntityPrefetch, type EntityLoads } from "./entityPrefetch.ts";
import { createErrorFormatter } from "./formatError.ts";
import { createInflightFetches, createLoaderRegistry } from "./loaders.ts";
import type { Logger } from "./logger.ts";
import type { SubgraphMetrics } from "./metrics.ts";
import { createPlatformBatcher } from "./platformBatcher.ts";
import type { RecordCache } from "./recordCache.ts";
import { guardScopes } from "./scopeGuard.ts";
import { operationSpanPlugin, type Tracing } from "./tracing.ts";
import type { UpstreamClient } from "./upstream.ts";

export interface SubgraphDeps {
  logger: Logger;
  metrics: SubgraphMetrics;
  recordCache: RecordCache;
  upstream: UpstreamClient;
  /** Spans of this subgraph (server span per request; the upstream client spans platform calls); null → off. */
  tracing?: Tracing | null;
}

export interface CreateSubgraphServerOptions {
  name: string;
  typeDefs: DocumentNode;
  /** The subgraph's resolver map (codegen's `Resolvers<SubgraphContext>` fits). */
  resolvers: object;
  /** Fields of entities whose loads an `_entities` request starts before it executes (kit/entityPrefetch.ts). */
  entityLoads?: EntityLoads;
  config: SubgraphConfig;
  deps: SubgraphDeps;
}

export interface SubgraphServer {
  start(): Promise<{ url: string; port: number }>;
  /** Stops accepting requests, lets the ones in flight finish (bounded), then closes. */
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const SHUTDOWN_GRACE_MS = 10_000;

/** Two turns of the event loop: a check queued in this one has run, and what it wrote has gone out. */
function afterTwoTurns(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Apollo Server reads a non-JSON body as text, and answers for it itself. */
function parsedBody(req: IncomingMessage, raw: Buffer): unknown {
  return (req.headers["content-type"] ?? "").includes("json") ? parseJson(raw) : raw.toString("utf8");
}

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

function operationLabel(name: string | null | undefined): string {
  return name ? name.slice(0, 80) : "anonymous";
}

function metricsPlugin(metrics: SubgraphMetrics): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, response }) {
          const operation = operationLabel(request.operationName);
          const body = response.body;
          const failed = body.kind === "single" && (body.singleResult.errors?.length ?? 0) > 0;
          metrics.graphqlRequests.inc({ operation, outcome: failed ? "error" : "ok" });
          metrics.graphqlDuration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}

export function createSubgraphServer(options: CreateSubgraphServerOptions): SubgraphServer {
  const { name, typeDefs, config, deps } = options;
  const { logger, metrics, recordCache, upstream, tracing } = deps;
  const inflight = createInflightFetches();
  const batcher = createPlatformBatcher({
    windowMs: config.platformBatchWindowMs,
    earlyDispatch: config.platformBatchEarlyDispatch,
    metrics,
  });
  const schema = guardScopes(
    buildSubgraphSchema({ typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> }),
    typeDefs,
  );
  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    plugins: [
      // Ours computes the same header without Apollo's per-field hook, which would wrap every resolver.
      ApolloServerPluginCacheControlDisabled(),
      cacheControlPlugin(schema),
      cacheTagsPlugin(schema, typeDefs),
      ApolloServerPluginLandingPageDisabled(),
      // Federated traces feed Apollo's hosted usage reporting, which this deployment never sends to.
      ApolloServerPluginInlineTraceDisabled(),
      metricsPlugin(metrics),
      ...(tracing ? [operationSpanPlugin] : []),
    ],
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    logger,
  });
  const prefetchEntities = options.entityLoads ? createEntityPrefetch(schema, options.entityLoads) : null;
  const http = createHttpServer((req, res) => void handle(req, res));

  const readCallerContext = createCallerContextReader({ name: config.name, key: config.contextKey, logger });

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL, wireRequestId: string) {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "POST") {
      throw new HttpError(405, "BAD_REQUEST", `method ${method} not allowed on /graphql`, {
        headers: { allow: "GET, POST" },
      });
    }
    // Counted from its arrival, so the batch window waits for this request while it can still add keys.
    const fetcher = batcher.openRequest();
    try {
      const raw = method === "POST" ? await readBody(req, MAX_BODY_BYTES) : Buffer.alloc(0);
      const { caller, requestId } = readCallerContext(req, raw, wireRequestId);
      const body = method === "POST" ? parsedBody(req, raw) : undefined;
      const context: SubgraphContext = {
        caller,
        requestId,
        loaders: createLoaderRegistry({ cache: recordCache, metrics, inflight, batcher: fetcher }),
        upstream,
        logger: logger.child({ requestId }),
      };
      // The batcher sends a request's calls from a check after the event loop's poll phase, and Apollo Server's
      // pipeline would otherwise run to its first real wait before that check: execution starts once they are out.
      if (prefetchEntities?.(body, context)) await afterTwoTurns();
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers: toHeaderMap(req), search: url.search, body },
        context: async () => context,
      });
      res.statusCode = response.status ?? 200;
      res.setHeader("x-request-id", requestId);
      for (const [key, value] of response.headers) res.setHeader(key, value);
      if (response.body.kind === "complete") {
        endWithBytes(res, response.body.string);
        return;
      }
      for await (const part of response.body.asyncIterator) res.write(part);
      res.end();
    } finally {
      fetcher.close();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const requestId = (req.headers["x-request-id"] as string | undefined)?.slice(0, 128) || randomUUID();
    const url = new URL(req.url ?? "/", "http://subgraph.local");
    try {
      if (url.pathname === "/health") {
        sendJson(res, http.stopping ? 503 : 200, { status: http.stopping ? "stopping" : "ok" });
      } else if (url.pathname === "/metrics") {
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      } else if (url.pathname === "/graphql") {
        const serve = () => handleGraphQL(req, res, url, requestId);
        await (tracing ? traceServerRequest(tracing, req, res, serve) : serve());
      } else {
        sendGraphQLError(res, new HttpError(404, "BAD_REQUEST", `no route ${url.pathname}`));
      }
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendGraphQLError(res, error, { "x-request-id": requestId });
        return;
      }
      logger.error(
        { requestId, reason: error instanceof Error ? error.message : String(error) },
        "request failed",
      );
      sendGraphQLError(res, new HttpError(500, "INTERNAL_SERVER_ERROR", INTERNAL_ERROR_MESSAGE), {
        "x-request-id": requestId,
      });
    }
  }

  return {
    async start() {
      await apollo.start();
      const { port, origin } = await http.listen(config.port, config.host);
      const url = `${origin}/graphql`;
      logger.info({ subgraph: name, url }, "subgraph listening");
      return { url, port };
    },
    async stop() {
      await http.stop(SHUTDOWN_GRACE_MS);
      await apollo.stop();
    },
  };
}
