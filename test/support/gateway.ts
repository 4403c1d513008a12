// One gateway in the test process, assembled as gateway/index.ts assembles it, on free loopback ports. The test
// suites differ only in its environment, who the caller is, which Redis client it uses and where its log goes.
import { Writable } from "node:stream";
import type { CallerResolver } from "../../gateway/authentication/callerResolver.ts";
import { createRedis } from "../../gateway/cacheStore/redis.ts";
import { type GatewayConfig, loadGatewayConfig } from "../../gateway/config.ts";
import { createGateway, type Gateway, type GatewayDeps } from "../../gateway/createGateway.ts";
import { createLogger, type Logger } from "../../gateway/observability/logger.ts";
import { createGatewayMetrics, type GatewayMetrics } from "../../gateway/observability/metrics.ts";

/** Collects a gateway's pino lines, parsed and as written. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line) continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line));
    }
    done();
  }
}

export interface TestGatewayOptions {
  /**
   * The gateway's whole environment, on top of `GATEWAY_PORT=0`: the developer's or CI's own variables (REDIS_URL,
   * OPS_TOKEN…) must not leak in.
   */
  env: Record<string, string>;
  /** Who is calling; bearer-token authentication (with the rate limit) when absent. */
  resolveCaller?: CallerResolver;
  /** A Redis client of the test's own; when absent, the one `env` configures, made as production makes it. */
  redis?: GatewayDeps["redis"];
  /** Waits for the Redis client to connect before serving, so the first requests already reach the caches. */
  waitForRedis?: boolean;
  /** Where the log lines go (several gateways may share one); a capture of this gateway's own when absent. */
  logs?: LogCapture;
}

export interface TestGateway {
  gateway: Gateway;
  config: GatewayConfig;
  metrics: GatewayMetrics;
  logger: Logger;
  logs: LogCapture;
  /** `http://127.0.0.1:<port>/graphql` */
  url: string;
  /** `http://127.0.0.1:<port>`: /health, /ready (status only) and /ops/purge hang off it. */
  origin: string;
  /** The ops listener (/metrics, detailed /ready, /ops/purge) when `OPS_PORT` is set, else null. */
  opsOrigin: string | null;
  /** POSTs `body` to /graphql (a string as these exact bytes, anything else as JSON). */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

const REDIS_CONNECT_TIMEOUT_MS = 10_000;

/** Resolves once the client is connected (its commands are refused before: no offline queue). */
export function redisConnected(redis: NonNullable<GatewayDeps["redis"]>): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Redis not ready after ${REDIS_CONNECT_TIMEOUT_MS} ms (${redis.status})`)),
      REDIS_CONNECT_TIMEOUT_MS,
    );
    redis.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const config = loadGatewayConfig({ GATEWAY_PORT: "0", ...options.env });
  const logs = options.logs ?? new LogCapture();
  const logger = createLogger(config, logs);
  const metrics = createGatewayMetrics();
  const redis = options.redis === undefined ? createRedis(config, { logger, metrics }) : options.redis;
  if (redis && options.waitForRedis) await redisConnected(redis);
  const gateway = createGateway(config, { logger, metrics, redis, resolveCaller: options.resolveCaller });
  const { url, port, opsUrl } = await gateway.start();
  return {
    gateway,
    config,
    metrics,
    logger,
    logs,
    url,
    origin: `http://127.0.0.1:${port}`,
    opsOrigin: opsUrl,
    post: (body, headers = {}) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    stop: () => gateway.stop(),
  };
}
