import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import { ApolloServerPluginCacheControl } from "@apollo/server/plugin/cacheControl";
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { createHttpServer } from "../common/http/listen.ts";
import type { RedisClient } from "../common/redis.ts";
import { createApqCache, persistedQueryText } from "./apq/apqCache.ts";
import { type CallerResolver, createAuthCallerResolver } from "./authentication/callerResolver.ts";
import { createTokenVerifier } from "./authentication/jwt.ts";
import { createFieldAuthorizationPlugin } from "./authorization/authorizationPlugin.ts";
import { ENFORCED_SECURITY_FEATURES } from "./authorization/authorizationPolicy.ts";
import { createCacheVersion } from "./cacheStore/cacheVersion.ts";
import { trackRedisAvailability } from "./cacheStore/redis.ts";
import { createCacheStore, type ValueCodec } from "./cacheStore/store.ts";
import { createWriteWindow } from "./cacheStore/writeWindow.ts";
import type { GatewayConfig } from "./config.ts";
import type { GatewayContext } from "./context.ts";
import { createEdgeDedup } from "./dedup/edgeDedup.ts";
import { createInboundDedupPlugin } from "./dedup/inboundDedup.ts";
import { createLimits } from "./demandControl/limits.ts";
import { createOwnExecutorGateway } from "./executor/ownExecutorGateway.ts";
import { createExplorer } from "./explorer/explorer.ts";
import { localSigner } from "./explorer/tokenRoute.ts";
import { createContextHeaderStep } from "./fetch/contextHeader.ts";
import { PipelineDataSource } from "./fetch/dataSource.ts";
import { createHttpTransport } from "./fetch/httpTransport.ts";
import { composeFetchPipeline, type FetchStep } from "./fetch/pipeline.ts";
import { createSubgraphCall } from "./fetch/subgraphCall.ts";
import { createEntityCacheStep } from "./fetchCache/entityCache.ts";
import { createRootFetchCacheStep } from "./fetchCache/rootFetchCache.ts";
import { createErrorFormatter } from "./http/formatError.ts";
import type { HttpRoute } from "./http/routes.ts";
import { createHttpHandler, GRAPHQL_PATH } from "./http/server.ts";
import { createIocDashboardRoutes } from "./iocDashboard/iocDashboardRoutes.ts";
import type { Logger } from "./observability/logger.ts";
import type { CacheLayer, GatewayMetrics } from "./observability/metrics.ts";
import { createRequestLogPlugin } from "./observability/requestLogPlugin.ts";
import { createGatewayTracing } from "./observability/tracing.ts";
import { createMetricsSampler } from "./ops/metricsSampler.ts";
import { createOpsEndpoints } from "./ops/opsEndpoints.ts";
import { createOpsServer } from "./ops/opsServer.ts";
import { createPurgeRoute } from "./ops/purge.ts";
import { createReadinessCheck } from "./ops/readiness.ts";
import { createStatusReport, STATUS_METRICS } from "./ops/statusReport.ts";
import { createRateLimiter } from "./rateLimit/rateLimiter.ts";
import { createCircuitBreakerStep } from "./resilience/circuitBreaker.ts";
import { createRetryStep } from "./resilience/retry.ts";
import { createTimeoutStep } from "./resilience/timeout.ts";
import { createCacheControlHeaderPlugin } from "./responseCache/cacheControlHeader.ts";
import { createCacheTagStep } from "./responseCache/cacheTagStep.ts";
import { createCachedResponseReader, createResponseCachePlugin } from "./responseCache/responseCache.ts";
import { createStaleRefresher } from "./responseCache/staleRefresher.ts";
import { storedResponseCodec } from "./responseCache/storedResponseCodec.ts";
import { readSafelistManifest } from "./safelist/safelistManifest.ts";
import { createSafelistPlugin } from "./safelist/safelistPlugin.ts";
import {
  createSupergraphSource,
  type ReloadResult,
  type SubgraphEndpoint,
} from "./supergraph/supergraphSource.ts";

export interface GatewayDeps {
  logger: Logger;
  metrics: GatewayMetrics;
  /** The shared Redis client (null without a Redis configured). The gateway closes it on stop. */
  redis: RedisClient | null;
  /** Who is calling; bearer-token authentication (with the rate limit) when absent. Tests put a fixed caller here. */
  resolveCaller?: CallerResolver;
  /** Text for /metrics; this process's registry when absent (index.ts passes the cluster's with WORKERS > 1). */
  metricsText?: () => Promise<string>;
}

export interface Gateway {
  /** `opsUrl`: the ops listener's origin, null without OPS_PORT. */
  start(): Promise<{ url: string; port: number; opsUrl: string | null }>;
  stop(): Promise<void>;
  reloadSupergraph(): Promise<ReloadResult>;
  /** The subgraphs of the supergraph being served (null before start). */
  subgraphs(): SubgraphEndpoint[] | null;
}

/** What one feature contributes: request-level plugins, steps of the subgraph fetch pipeline, extra endpoints. */
interface FeatureParts {
  plugins?: ApolloServerPlugin<GatewayContext>[];
  fetchSteps?: FetchStep[];
  routes?: HttpRoute[];
}

/** APQ entries are content-addressed and never stale; the TTL only bounds what a forgotten hash costs in memory. */
const APQ_TTL_SECONDS = 24 * 60 * 60;
/** The status page's request rate and p95 are drawn from one sample per interval over the history. */
const STATUS_SAMPLE_MS = 10_000;
const STATUS_HISTORY_MS = 15 * 60_000;
/** Longest a deduplicated request waits for its leader before executing itself (longer than any sane plan). */
const DEDUP_MAX_WAIT_MS = 30_000;
/** Stale answers waiting for their refresh beyond this are dropped, their lock freed: a later request asks again. */
const REFRESH_QUEUE_LIMIT = 1000;
/** A refresh is posted to Apollo Server as JSON, which its CSRF prevention requires of a POST. */
const JSON_REQUEST_HEADERS = () => new HeaderMap([["content-type", "application/json"]]);

/**
 * Assembles the gateway from its configuration: Apollo Gateway on a watched supergraph, our fetch pipeline
 * under every subgraph fetch, Apollo Server with the features' plugins, and the node:http edge in front.
 * The feature table below is the only place where features are wired.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps): Gateway {
  const { logger, metrics, redis } = deps;

  // @apollo/gateway sends usage data to Apollo (and probes cloud metadata endpoints) unless this is set
  // when an ApolloGateway is constructed. Set in code, right before construction, so no deployment can
  // forget it and no import order can defeat it.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";

  // Cache writes of every layer wait until no answer is being made, 20 ms at most under constant load.
  const writeWindow = createWriteWindow({ maxDelayMs: 20 });
  const store = (layer: CacheLayer, codec?: ValueCodec) =>
    createCacheStore({
      writeWindow,
      redis,
      layer,
      codec,
      maxEntries: config.redis.maxEntries,
      commandTimeoutMs: config.redis.commandTimeoutMs,
      metrics,
      logger,
    });
  const stores = {
    apq: store("apq"),
    response: store("response", storedResponseCodec),
    entity: store("entity"),
  };
  const limits = createLimits(config.demandControl, { logger });
  const rateLimiter = config.rateLimit.enabled
    ? createRateLimiter(config.rateLimit, { redis, logger })
    : null;
  const { resilience } = config;
  const safelist = config.safelist.enabled ? readSafelistManifest(config.safelist.dir) : null;
  // What changes answers besides the supergraph: a cached answer must never outlive a change of any of them.
  const cacheVersion = createCacheVersion({
    safelist,
    introspection: config.server.introspection,
    limits: config.demandControl,
  });
  if (redis) trackRedisAvailability(redis, metrics);
  const edgeDedup = config.dedup.enabled
    ? createEdgeDedup({ version: cacheVersion, metrics, maxWaitMs: DEDUP_MAX_WAIT_MS })
    : null;
  const tracing = createGatewayTracing(config.tracing);
  // Refreshes of stale answers run through Apollo Server like any request, on their own context (created below).
  const refresher = createStaleRefresher({
    execute: async (request, context) => {
      await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: "POST", headers: JSON_REQUEST_HEADERS(), search: "", body: request },
        context: async () => context,
      });
    },
    store: stores.response,
    logger,
    concurrency: config.cacheFreshness.refreshConcurrency,
    queueLimit: REFRESH_QUEUE_LIMIT,
  });

  const explorer = createExplorer({
    enabled: config.explorer.enabled && config.server.introspection,
    graphqlPath: GRAPHQL_PATH,
    operationsDir: config.server.landingOperationsDir,
    signing: localSigner(config.authentication, config.server.production),
    supergraphSdl: () => supergraph.current()?.sdl ?? null,
  });

  // One row per feature, in the order its plugins run and its fetch steps wrap the subgraph call (outermost first).
  const features: Record<string, FeatureParts> = {
    observability: {
      plugins: [
        createCacheControlHeaderPlugin({
          staleWhileRevalidateSeconds: config.cacheFreshness.staleWhileRevalidateSeconds,
        }),
        createRequestLogPlugin(),
      ],
    },
    // Its fetch step is the outermost, so a fetch's span covers the entity cache and carries its outcome.
    tracing: tracing ? { plugins: [tracing.plugin], fetchSteps: [tracing.fetchStep] } : {},
    demandControl: { plugins: [limits.plugin] },
    safelist: safelist ? { plugins: [createSafelistPlugin(safelist)] } : {},
    // Before the response cache and dedup: they must see responses with the authorization errors in place.
    authorization: { plugins: [createFieldAuthorizationPlugin({ logger })] },
    // Learns each supergraph as it loads; the caches and dedup below key on it.
    cacheVersion: { plugins: [cacheVersion.plugin] },
    // Installed even when off, so every response says `x-cache: BYPASS`; its fetch step gathers the request's cache tags
    // (for the entry and the answer's Cache-Tag) outside the fetch cache, so hits count.
    responseCache: {
      fetchSteps: [createCacheTagStep()],
      plugins: [
        createResponseCachePlugin({
          enabled: config.responseCache.enabled,
          store: stores.response,
          version: cacheVersion,
          metrics,
          staleWhileRevalidateSeconds: config.cacheFreshness.staleWhileRevalidateSeconds,
          refresher,
        }),
      ],
    },
    // After the response cache: a cache hit never waits for anyone. Plain POST queries are deduplicated at the HTTP
    // edge from their bytes; the plugin takes the rest and tells the edge how its leaders' answers may be shared.
    dedup: edgeDedup
      ? {
          plugins: [
            createInboundDedupPlugin({
              version: cacheVersion,
              metrics,
              maxWaitMs: DEDUP_MAX_WAIT_MS,
              edge: edgeDedup,
            }),
          ],
        }
      : {},
    // First fetch steps: a cache hit never touches the breaker, the network or the subgraph. Each step takes its own
    // kind of fetch (`_entities`, root-field queries) and passes the others on; both live in the entity store.
    fetchCache: config.fetchCache.enabled
      ? {
          fetchSteps: [createEntityCacheStep, createRootFetchCacheStep].map((createStep) =>
            createStep({
              store: stores.entity,
              version: cacheVersion,
              staleIfErrorSeconds: config.fetchCache.staleIfErrorSeconds,
              staleWhileRevalidateSeconds: config.cacheFreshness.staleWhileRevalidateSeconds,
              metrics,
            }),
          ),
        }
      : {},
    resilience: {
      fetchSteps: [
        ...(resilience.breaker.enabled
          ? [createCircuitBreakerStep(resilience.breaker, { metrics, logger })]
          : []),
        ...(resilience.retry ? [createRetryStep()] : []),
        createTimeoutStep({ defaultMs: resilience.timeoutMs, overridesMs: resilience.timeoutOverridesMs }),
      ],
    },
    // Innermost: the signed caller context and request id go on the request that actually leaves.
    internalContext: { fetchSteps: [createContextHeaderStep({ secret: config.internalContext.secret })] },
    // A page for development only: production serves GraphQL, not examples.
    iocDashboard: config.server.production
      ? {}
      : { routes: createIocDashboardRoutes({ operationsDir: config.safelist.dir }) },
    // GraphiQL at / and for browsers at GET /graphql (the page itself is the HTTP edge's); off without introspection.
    explorer: { routes: explorer.routes },
    // Purges work even with a layer switched off: entries written before it was switched off still live in Redis.
    ops: {
      routes: [
        createPurgeRoute({
          opsToken: config.ops.token,
          stores: { response: stores.response, entity: stores.entity },
          logger,
        }),
      ],
    },
  };
  const parts = Object.values(features);
  const routes = parts.flatMap((part) => part.routes ?? []);

  const supergraph = createSupergraphSource({
    path: config.supergraph.path,
    watch: config.supergraph.watch,
    logger,
    enforcedSecurityFeatures: ENFORCED_SECURITY_FEATURES,
  });
  const transport = createHttpTransport({
    connections: config.subgraphs.connections,
    metrics,
    maxAgeSeconds: config.cacheFreshness.maxAgeSeconds,
  });
  const pipeline = composeFetchPipeline(
    parts.flatMap((part) => part.fetchSteps ?? []),
    transport.handler,
  );
  const urlOf = (endpoint: SubgraphEndpoint) => config.subgraphs.urlOverrides[endpoint.name] ?? endpoint.url;

  const apolloGateway = new ApolloGateway({
    supergraphSdl: supergraph.hook,
    logger: logger.child({ component: "apollo-gateway" }),
    buildService: ({ name, url }) =>
      new PipelineDataSource({ name, url: urlOf({ name, url: url ?? "" }), pipeline, metrics, logger }),
    experimental_didResolveQueryPlan: tracing?.didResolveQueryPlan,
  });
  // Apollo Gateway loads the supergraph either way; EXECUTOR=own runs the plans with gateway/executor/.
  const gateway =
    config.executor.executor === "own"
      ? createOwnExecutorGateway({
          gateway: apolloGateway,
          planCacheEntries: config.executor.planCacheEntries,
          call: createSubgraphCall({ pipeline, metrics }),
          subgraphUrl: urlOf,
          didResolveQueryPlan: tracing?.didResolveQueryPlan,
          logger,
        })
      : apolloGateway;

  const apqCache = config.apq.enabled ? createApqCache(stores.apq, APQ_TTL_SECONDS) : null;
  const apollo = new ApolloServer<GatewayContext>({
    gateway: tracing ? tracing.traceExecution(gateway) : gateway,
    logger: logger.child({ component: "apollo-server" }),
    csrfPrevention: true,
    introspection: config.server.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: true,
    parseOptions: limits.parseOptions,
    persistedQueries: apqCache ? { cache: apqCache } : false,
    formatError: createErrorFormatter({ logger, rewrites: [limits.rewriteTokenLimitError] }),
    stopOnTerminationSignals: false,
    plugins: [
      // Nothing is loaded from or reported to Apollo's cloud.
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
      ...parts.flatMap((part) => part.plugins ?? []),
    ],
  });

  const subgraphs = () =>
    supergraph.current()?.subgraphs.map((s) => ({ name: s.name, url: urlOf(s) })) ?? null;
  const readiness = createReadinessCheck({ subgraphs, redis, draining: () => http.stopping });
  const metricsText = deps.metricsText ?? (() => metrics.registry.metrics());
  // The status page's memory of the last minutes: a few counters read every STATUS_SAMPLE_MS.
  const statusSampler = createMetricsSampler({
    metricsText,
    names: STATUS_METRICS,
    intervalMs: STATUS_SAMPLE_MS,
    keepMs: STATUS_HISTORY_MS,
  });
  const status = createStatusReport({
    sampler: statusSampler,
    readiness,
    supergraphId: () => supergraph.current()?.id ?? null,
  });
  gateway.onSchemaLoadOrUpdate(() => status.supergraphLoaded());
  const ops = createOpsEndpoints({
    token: config.ops.token,
    readiness,
    metricsText,
    metricsContentType: metrics.registry.contentType,
    status,
    // Only the ops feature's own routes: the explorer and the IOC page belong to the public listener.
    routes: features.ops?.routes ?? [],
  });
  const handle = createHttpHandler({
    apollo,
    logger,
    metrics,
    limits,
    maxBodyBytes: config.server.maxBodyBytes,
    traceRequest: tracing?.traceRequest ?? null,
    resolveCaller:
      deps.resolveCaller ??
      createAuthCallerResolver({
        verifier: createTokenVerifier({ ...config.authentication, production: config.server.production }),
        rateLimiter,
        trustedProxyHops: config.rateLimit.trustedProxyHops,
      }),
    ops,
    landingPage: explorer.page,
    routes,
    // Response-cache hits answered by the HTTP edge without Apollo Server.
    cachedResponses: createCachedResponseReader({
      enabled: config.responseCache.enabled,
      store: stores.response,
      version: cacheVersion,
      metrics,
      refresher,
      persistedQueryText: apqCache ? persistedQueryText(apqCache) : null,
    }),
    edgeDedup,
    writeWindow,
  });

  const http = createHttpServer((request, response) => void handle(request, response));
  const opsServer = config.ops.listener ? createOpsServer(ops, logger) : null;

  return {
    async start() {
      await apollo.start();
      statusSampler.start();
      const { port, origin } = await http.listen(config.server.port, config.server.host);
      const url = `${origin}${GRAPHQL_PATH}`;
      const { listener } = config.ops;
      const opsUrl = (listener && (await opsServer?.listen(listener.port, listener.host))?.origin) ?? null;
      logger.info({ url, opsUrl, subgraphs: subgraphs()?.map((s) => s.name) }, "gateway listening");
      return { url, port, opsUrl };
    },

    async stop() {
      await http.stop(config.server.shutdownTimeoutMs);
      // After the public port has drained: until then the ops listener reports "shutting down".
      await opsServer?.stop(0);
      statusSampler.stop();
      await apollo
        .stop()
        .catch((error: Error) => logger.warn({ err: { message: error.message } }, "apollo stop"));
      await transport.close();
      await tracing?.shutdown();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      logger.info("gateway stopped");
    },

    reloadSupergraph: () => supergraph.reload(),
    subgraphs,
  };
}
