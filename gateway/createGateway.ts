import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControl } from "@apollo/server/plugin/cacheControl";
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import type { KeyValueCache } from "@apollo/utils.keyvaluecache";
import type { Redis } from "ioredis";
import { ENFORCED_SECURITY_FEATURES } from "./auth/authorizationPolicy.ts";
import { createTokenVerifier } from "./auth/jwt.ts";
import { readSafelistManifest } from "./auth/safelistManifest.ts";
import type { CallerResolver } from "./caller.ts";
import type { GatewayConfig } from "./config.ts";
import type { GatewayContext } from "./context.ts";
import { createCircuitBreakerStep } from "./fetch/circuitBreaker.ts";
import { createContextHeaderStep } from "./fetch/contextHeader.ts";
import { PipelineDataSource } from "./fetch/dataSource.ts";
import { createHttpTransport } from "./fetch/httpTransport.ts";
import { composeFetchPipeline, type FetchStep } from "./fetch/pipeline.ts";
import { createRetryStep } from "./fetch/retry.ts";
import { createTimeoutStep } from "./fetch/timeout.ts";
import { createLandingPage } from "./http/landingPage.ts";
import { createReadinessCheck } from "./http/readiness.ts";
import type { HttpRoute } from "./http/routes.ts";
import { createHttpHandler, GRAPHQL_PATH } from "./http/server.ts";
import type { Logger } from "./observability/logger.ts";
import type { GatewayMetrics } from "./observability/metrics.ts";
import { createAuthCallerResolver, createFieldAuthorizationPlugin } from "./plugins/auth.ts";
import { createCacheControlHeaderPlugin } from "./plugins/cacheControlHeader.ts";
import { createErrorFormatter } from "./plugins/errorMasking.ts";
import { createLimits } from "./plugins/limits.ts";
import { createRateLimiter } from "./plugins/rateLimit.ts";
import { createRequestLogPlugin } from "./plugins/requestLog.ts";
import type { CachedResponseReader } from "./plugins/responseCache.ts";
import { createSafelistPlugin } from "./plugins/safelist.ts";
import { createSupergraphSource, type ReloadResult, type SubgraphEndpoint } from "./supergraph.ts";

export interface GatewayDeps {
  logger: Logger;
  metrics: GatewayMetrics;
  /** The shared Redis client (null without REDIS_URL). The gateway closes it on stop. */
  redis: Redis | null;
  /** Who is calling; the auth feature's JWT resolver when absent. */
  resolveCaller?: CallerResolver;
  /**
   * Fetch steps that run before the resilience steps, outermost first: the entity cache goes here, so a
   * cache hit never touches the breaker, the network or the subgraph.
   */
  fetchSteps?: FetchStep[];
  /** Request-level features (response cache, inbound dedup, auth, rate limit, safelist), in order. */
  plugins?: ApolloServerPlugin<GatewayContext>[];
  /** Apollo Server's persistedQueries.cache (Redis-backed APQ); Apollo's in-memory one when absent. */
  apqCache?: KeyValueCache<string>;
  /** Extra JSON endpoints (e.g. POST /ops/purge). */
  routes?: HttpRoute[];
  /** Response-cache hits served by the HTTP edge before Apollo Server (the response cache's reader). */
  cachedResponses?: CachedResponseReader;
  /**
   * Supergraph security features (spec URL without version, e.g. "https://specs.apollo.dev/policy") that
   * `plugins` enforce, beyond @authenticated / @requiresScopes (always enforced by the field authorization
   * plugin). A supergraph using any other security feature is refused: @apollo/gateway would ignore it.
   */
  enforcedSecurityFeatures?: string[];
  /** Text for /metrics; this process's registry when absent (index.ts passes the cluster's with WORKERS > 1). */
  metricsText?: () => Promise<string>;
}

export interface Gateway {
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  reloadSupergraph(): Promise<ReloadResult>;
  /** The subgraphs of the supergraph being served (null before start). */
  subgraphs(): SubgraphEndpoint[] | null;
}

/**
 * Assembles the gateway from its configuration: Apollo Gateway on a watched supergraph, our fetch pipeline
 * under every subgraph fetch, Apollo Server with our plugins, and the node:http edge in front.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps): Gateway {
  const { logger, metrics, redis } = deps;

  // @apollo/gateway sends usage data to Apollo (and probes cloud metadata endpoints) unless this is set
  // when an ApolloGateway is constructed. Set in code, right before construction, so no deployment can
  // forget it and no import order can defeat it.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";

  const supergraph = createSupergraphSource({
    path: config.supergraph.path,
    watch: config.supergraph.watch,
    logger,
    // The field authorization plugin below always enforces @authenticated / @requiresScopes.
    enforcedSecurityFeatures: [...ENFORCED_SECURITY_FEATURES, ...(deps.enforcedSecurityFeatures ?? [])],
  });
  const transport = createHttpTransport({ connections: config.subgraphs.connections, metrics });
  const pipeline = composeFetchPipeline(
    [
      ...(deps.fetchSteps ?? []),
      ...(config.breaker.enabled ? [createCircuitBreakerStep(config.breaker, { metrics, logger })] : []),
      ...(config.subgraphs.retry ? [createRetryStep()] : []),
      createTimeoutStep({
        defaultMs: config.subgraphs.timeoutMs,
        overridesMs: config.subgraphs.timeoutOverridesMs,
      }),
      createContextHeaderStep({ secret: config.internalContext.secret }),
    ],
    transport.handler,
  );
  const urlOf = (endpoint: SubgraphEndpoint) => config.subgraphs.urlOverrides[endpoint.name] ?? endpoint.url;

  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.hook,
    logger: logger.child({ component: "apollo-gateway" }),
    buildService: ({ name, url }) =>
      new PipelineDataSource({ name, url: urlOf({ name, url: url ?? "" }), pipeline, metrics, logger }),
  });

  const limits = createLimits(config.limits);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger: logger.child({ component: "apollo-server" }),
    csrfPrevention: true,
    introspection: config.server.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: true,
    parseOptions: limits.parseOptions,
    persistedQueries: config.caches.apq ? (deps.apqCache ? { cache: deps.apqCache } : {}) : false,
    formatError: createErrorFormatter({ logger, rewrites: [limits.rewriteTokenLimitError] }),
    stopOnTerminationSignals: false,
    plugins: [
      // Nothing is loaded from or reported to Apollo's cloud.
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
      createCacheControlHeaderPlugin(),
      createRequestLogPlugin(),
      limits.plugin,
      ...(config.auth.safelist.enabled
        ? [createSafelistPlugin(readSafelistManifest(config.auth.safelist.dir))]
        : []),
      // Before the response cache and dedup: they must see responses with the authorization errors in place.
      createFieldAuthorizationPlugin({ logger }),
      ...(deps.plugins ?? []),
    ],
  });

  const subgraphs = () =>
    supergraph.current()?.subgraphs.map((s) => ({ name: s.name, url: urlOf(s) })) ?? null;
  let server: Server | null = null;
  let inFlight = 0;
  let stopping = false;

  const handle = createHttpHandler({
    apollo,
    logger,
    metrics,
    limits,
    maxBodyBytes: config.server.maxBodyBytes,
    resolveCaller:
      deps.resolveCaller ??
      createAuthCallerResolver({
        verifier: createTokenVerifier({ ...config.auth, production: config.server.production }),
        rateLimiter: config.auth.rateLimit.enabled
          ? createRateLimiter(config.auth.rateLimit, { redis, logger })
          : null,
        trustedProxyHops: config.auth.rateLimit.trustedProxyHops,
      }),
    readiness: createReadinessCheck({ subgraphs, redis, draining: () => stopping }),
    landingPage: createLandingPage({
      operationsDir: config.server.landingOperationsDir,
      graphqlPath: GRAPHQL_PATH,
    }),
    routes: deps.routes ?? [],
    cachedResponses: deps.cachedResponses ?? null,
    metricsText: deps.metricsText ?? (() => metrics.registry.metrics()),
  });

  async function drain(deadline: number) {
    while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  return {
    async start() {
      await apollo.start();
      const httpServer = createServer((request, response) => {
        inFlight++;
        response.on("close", () => inFlight--);
        // While draining, tell keep-alive clients to reconnect (to another replica) after this answer.
        if (stopping) response.setHeader("connection", "close");
        void handle(request, response);
      });
      // Longer than load balancers' usual 60 s idle timeout, so they, not we, close idle sockets (no 502 on reuse).
      httpServer.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(config.server.port, config.server.host, () => resolve());
      });
      server = httpServer;
      const { port } = httpServer.address() as AddressInfo;
      const url = `http://${config.server.host}:${port}${GRAPHQL_PATH}`;
      logger.info({ url, subgraphs: subgraphs()?.map((s) => s.name) }, "gateway listening");
      return { url, port };
    },

    async stop() {
      const deadline = Date.now() + config.server.shutdownTimeoutMs;
      stopping = true;
      if (server) {
        const closing = new Promise<void>((resolve) => server?.close(() => resolve()));
        server.closeIdleConnections();
        await drain(deadline);
        server.closeAllConnections();
        await closing;
        server = null;
      }
      await apollo
        .stop()
        .catch((error: Error) => logger.warn({ err: { message: error.message } }, "apollo stop"));
      await transport.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      logger.info("gateway stopped");
    },

    reloadSupergraph: () => supergraph.reload(),
    subgraphs,
  };
}
