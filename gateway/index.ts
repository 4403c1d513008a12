import cluster from "node:cluster";
import { stopOnSignals } from "../common/shutdown.ts";
import { createRedis } from "./cacheStore/redis.ts";
import { type GatewayConfig, loadGatewayConfig, redactConfig } from "./config.ts";
import { createGateway } from "./createGateway.ts";
import { createClusterMetricsText, serveClusterMetrics } from "./observability/clusterMetrics.ts";
import { createLogger, type Logger } from "./observability/logger.ts";
import { createGatewayMetrics } from "./observability/metrics.ts";
import { missingV8Flags } from "./v8Flags.ts";

/** One gateway process: shared infrastructure, the features, the server; stops cleanly on a signal. */
async function runGateway(config: GatewayConfig, logger: Logger) {
  const metrics = createGatewayMetrics();
  const redis = createRedis(config, { logger, metrics });
  const gateway = createGateway(config, {
    logger,
    metrics,
    redis,
    metricsText: cluster.isWorker ? createClusterMetricsText(metrics.registry) : undefined,
  });
  await gateway.start();

  stopOnSignals(logger, () => gateway.stop());
}

/**
 * WORKERS > 1: a primary that only forks workers sharing the port, replaces workers that crash while
 * serving, and relays signals. A worker that dies before it ever listened (bad supergraph, port taken) would
 * die again: the primary then stops everything and exits non-zero for the supervisor to see.
 */
function runPrimary(config: GatewayConfig, logger: Logger) {
  let stopping = false;
  const listened = new Set<number>();
  serveClusterMetrics();
  cluster.on("listening", (worker) => listened.add(worker.id));
  const stop = (signal: NodeJS.Signals, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
    // Workers drain within SHUTDOWN_TIMEOUT_MS; do not wait for ever on one that hangs.
    setTimeout(() => process.exit(1), config.server.shutdownTimeoutMs + 2000).unref();
    cluster.on("exit", () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
    });
  };
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    if (!listened.has(worker.id)) {
      logger.fatal({ worker: worker.process.pid, code, signal }, "gateway worker failed to start; stopping");
      stop("SIGTERM", 1);
      return;
    }
    logger.error({ worker: worker.process.pid, code, signal }, "gateway worker died; starting another");
    cluster.fork();
  });
  for (let i = 0; i < config.server.workers; i++) cluster.fork();
  process.on("SIGTERM", () => stop("SIGTERM", 0));
  process.on("SIGINT", () => stop("SIGINT", 0));
}

async function main() {
  const config = loadGatewayConfig();
  const logger = createLogger(config);
  if (cluster.isPrimary) {
    logger.info({ config: redactConfig(config) }, "gateway configuration");
    const missing = missingV8Flags(process.execArgv, process.env.NODE_OPTIONS);
    if (missing.length > 0) {
      logger.warn(
        { missing },
        "started without the gateway's V8 flags (gateway/v8Flags.ts): more CPU per request",
      );
    }
    if (!config.redis.connection) logger.info("no REDIS_URL: caches are in-memory, per process");
    if (config.server.workers > 1) return runPrimary(config, logger);
  }
  await runGateway(config, logger);
}

main().catch((error: Error) => {
  process.stderr.write(`gateway failed to start: ${error.message}\n`);
  process.exit(1);
});
