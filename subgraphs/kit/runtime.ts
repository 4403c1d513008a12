import { resolve } from "node:path";
import { stopOnSignals } from "../../common/shutdown.ts";
import { loadSubgraphConfig, redactedConfig, type SubgraphConfig, type SubgraphName } from "./config.ts";
import type { EntityLoads } from "./entityPrefetch.ts";
import { createLogger } from "./logger.ts";
import { createSubgraphMetrics } from "./metrics.ts";
import { createRecordCache } from "./recordCache.ts";
import { createRedisClient } from "./redis.ts";
import { loadTypeDefs } from "./schema.ts";
import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from "./server.ts";
import { createSubgraphTracing } from "./tracing.ts";
import { createUpstreamClient, type UpstreamClient } from "./upstream.ts";

/** Builds one subgraph's server from its configuration and the process-wide dependencies. */
export type SubgraphFactory = (config: SubgraphConfig, deps: SubgraphDeps) => SubgraphServer;

/**
 * Everything a subgraph's `index.ts` does, in one call: `schema.graphql` beside that module, the platform client
 * made from the upstream, the resolvers (and the entity loads to start early, if any) made from the platform client. Returns the factory (tests and the bench
 * start subgraphs in-process with it) and, when the module is the process entry (`tsx subgraphs/<name>/index.ts`),
 * also runs it as the subgraph's `main`.
 */
export function defineSubgraph<Platform>(
  module: ImportMeta,
  name: SubgraphName,
  createPlatform: (upstream: UpstreamClient) => Platform,
  createResolvers: (platform: Platform) => object,
  createEntityLoads?: (platform: Platform) => EntityLoads,
): SubgraphFactory {
  const typeDefs = loadTypeDefs(new URL("./schema.graphql", module.url));
  const factory: SubgraphFactory = (config, deps) => {
    const platform = createPlatform(deps.upstream);
    return createSubgraphServer({
      name,
      typeDefs,
      resolvers: createResolvers(platform),
      entityLoads: createEntityLoads?.(platform),
      config,
      deps,
    });
  };
  if (process.argv[1] !== undefined && resolve(process.argv[1]) === module.filename) {
    void runSubgraph(name, factory);
  }
  return factory;
}

export interface SubgraphRuntime {
  deps: SubgraphDeps;
  /**
   * Waits (bounded) for Redis to connect, so the first requests after start use the record cache instead of
   * failing open; resolves either way, never rejects.
   */
  ready(timeoutMs?: number): Promise<void>;
  /** Closes what the deps hold open (platform connections, Redis). */
  close(): Promise<void>;
}

/** The process-wide dependencies of a subgraph, wired from its configuration. */
export function createSubgraphDeps(config: SubgraphConfig): SubgraphRuntime {
  const tracing = createSubgraphTracing(config.name, config.tracesUrl);
  const logger = createLogger(`subgraph-${config.name}`, config.logLevel, { traced: tracing !== null });
  const metrics = createSubgraphMetrics(config.name);
  const redis =
    config.recordCache && config.redis
      ? createRedisClient(config.redis, {
          keyPrefix: `${config.redisKeyPrefix}record:${config.name}:`,
          commandTimeoutMs: config.redisCommandTimeoutMs,
          logger,
        })
      : null;
  const recordCache = createRecordCache({
    redis,
    enabled: config.recordCache,
    maxEntries: config.recordCacheMaxEntries,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    metrics,
    logger,
  });
  const upstream = createUpstreamClient({
    platform: config.name,
    baseUrl: config.platformUrl,
    timeoutMs: config.upstreamTimeoutMs,
    retries: config.upstreamRetries,
    connections: config.upstreamConnections,
    metrics,
    logger,
    tracing,
  });
  return {
    deps: { logger, metrics, recordCache, upstream, tracing },
    async ready(timeoutMs = 2000) {
      if (!redis || redis.status === "ready") return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          redis.off("ready", done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        redis.once("ready", done);
      });
    },
    async close() {
      await upstream.close();
      await tracing?.shutdown();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** `main` of a subgraph process: configuration from the environment, start, and graceful shutdown on SIGTERM/SIGINT. */
export async function runSubgraph(name: SubgraphName, build: SubgraphFactory): Promise<void> {
  let config: SubgraphConfig;
  try {
    config = loadSubgraphConfig(name);
  } catch (error) {
    // An operator's mistake gets one line naming the variable, not a stack trace.
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const runtime = createSubgraphDeps(config);
  const { logger } = runtime.deps;
  logger.info({ config: redactedConfig(config) }, "configuration");
  const server = build(config, runtime.deps);
  await runtime.ready();
  try {
    await server.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EADDRINUSE"
        ? `port ${config.port} on ${config.host} is already in use`
        : (error as Error).message;
    logger.fatal({ code }, `cannot start: ${reason}`);
    await runtime.close();
    process.exit(1);
  }
  stopOnSignals(logger, async () => {
    await server.stop();
    await runtime.close();
  });
}
