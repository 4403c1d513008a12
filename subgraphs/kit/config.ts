import { z } from "zod";
import {
  type RedisConnection,
  redactRedisConnection,
  redisConnectionOf,
  redisConnectionVariables,
} from "../../common/redis.ts";
import { decodeContextKey, deriveContextKey } from "../../common/signedContext.ts";
import { tracesUrlOf } from "./tracing.ts";

export const SUBGRAPH_DEFAULT_PORTS = {
  population: 4001,
  business: 4002,
  procedures: 4003,
  reporting: 4004,
} as const;

export type SubgraphName = keyof typeof SUBGRAPH_DEFAULT_PORTS;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const envSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1).default("127.0.0.1"),
  platformBaseUrl: z.url().default("http://127.0.0.1:4010"),
  platformUrl: z.url().optional(),
  redisKeyPrefix: z.string().default("lienthong:"),
  recordCache: z.enum(["on", "off"]).default("on"),
  recordCacheMaxEntries: z.coerce.number().int().positive().default(50_000),
  redisCommandTimeoutMs: z.coerce.number().int().positive().default(100),
  platformBatchWindowMs: z.coerce.number().int().min(0).max(100).default(3),
  platformBatchEarlyDispatch: z.enum(["on", "off"]).default("on"),
  nodeEnv: z.enum(["development", "production", "test"]).default("development"),
  internalContextKey: z
    .string()
    .refine(
      (value) => decodeContextKey(value) !== null,
      "must be 32 bytes, base64url (scripts/context-keys.ts)",
    )
    .optional(),
  internalContextSecret: z.string().min(16, "must be at least 16 characters").optional(),
  upstreamTimeoutMs: z.coerce.number().int().positive().default(5000),
  upstreamRetries: z.coerce.number().int().min(0).max(10).default(2),
  upstreamConnections: z.coerce.number().int().positive().default(32),
  logLevel: z.enum(LOG_LEVELS).default("info"),
});

const redisEnvSchema = z
  .object(redisConnectionVariables)
  .transform((env, ctx) => redisConnectionOf(env, ctx));

export interface SubgraphConfig {
  name: SubgraphName;
  /** 0 asks the OS for a free port (tests). */
  port: number;
  host: string;
  /** Base URL of this subgraph's platform API, e.g. `http://127.0.0.1:4010/population/v1`. */
  platformUrl: string;
  /** REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS + REDIS_SENTINEL_NAME; none → the record cache is an in-memory LRU. */
  redis: RedisConnection | null;
  /** Prefix of every Redis key this process writes; record keys are `<prefix>record:<subgraph>:<kind>:<variant>:<id>`. */
  redisKeyPrefix: string;
  recordCache: boolean;
  recordCacheMaxEntries: number;
  /** A Redis command slower than this counts as a miss, so a hung Redis cannot hang requests. */
  redisCommandTimeoutMs: number;
  /** Misses of one record kind from concurrent requests within this window share one platform call; 0 = off. */
  platformBatchWindowMs: number;
  /**
   * A batch goes out before its window ends once every open request is waiting on the platform. Right for a gateway
   * that sends a plan step's entity fetches to a subgraph as one request (EXECUTOR=own); one that sends them as
   * separate requests (Apollo's executor, Apollo Gateway, Hive Gateway) would then cost a platform call per fetch.
   */
  platformBatchEarlyDispatch: boolean;
  production: boolean;
  /**
   * This subgraph's own key for the gateway's signed caller context (INTERNAL_CONTEXT_KEY, or derived from
   * INTERNAL_CONTEXT_SECRET outside production). Null (development only) → unsigned requests are served as the
   * anonymous caller.
   */
  contextKey: Buffer | null;
  upstreamTimeoutMs: number;
  upstreamRetries: number;
  upstreamConnections: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** OTLP/HTTP traces URL (OTEL_EXPORTER_OTLP_ENDPOINT or _TRACES_ENDPOINT); null → tracing off. */
  tracesUrl: string | null;
}

/**
 * A production subgraph holds its own key and nothing more: without one it would serve anyone as a national
 * caller, and with the gateway's secret a compromised subgraph could sign contexts for all the others.
 */
function contextKeyProblem(
  name: SubgraphName,
  production: boolean,
  key: string | undefined,
  secret: string | undefined,
): string | null {
  if (key && secret) return "INTERNAL_CONTEXT_KEY and INTERNAL_CONTEXT_SECRET: set one, not both";
  if (!production || key) return null;
  const derive = `npx tsx scripts/context-keys.ts derives it from the gateway's INTERNAL_CONTEXT_SECRET`;
  return secret
    ? `INTERNAL_CONTEXT_SECRET: not accepted when NODE_ENV=production (it signs for every subgraph); give the ${name} subgraph its own INTERNAL_CONTEXT_KEY (${derive})`
    : `INTERNAL_CONTEXT_KEY: required when NODE_ENV=production (the ${name} subgraph's own key for the gateway's signed caller context; ${derive})`;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

export function loadSubgraphConfig(
  name: SubgraphName,
  env: Record<string, string | undefined> = process.env,
): SubgraphConfig {
  const prefix = name.toUpperCase();
  const read = (key: string) => emptyToUndefined(env[key]);
  const hostKey = read(`${prefix}_HOST`) !== undefined ? `${prefix}_HOST` : "SUBGRAPH_HOST";
  /** Which environment variable feeds each setting, so an error names what the operator has to fix. */
  const sources: Record<keyof z.input<typeof envSchema>, string> = {
    port: `${prefix}_PORT`,
    host: hostKey,
    platformBaseUrl: "PLATFORM_BASE_URL",
    platformUrl: `${prefix}_PLATFORM_URL`,
    redisKeyPrefix: "REDIS_KEY_PREFIX",
    recordCache: "RECORD_CACHE",
    recordCacheMaxEntries: "RECORD_CACHE_MAX_ENTRIES",
    redisCommandTimeoutMs: "REDIS_COMMAND_TIMEOUT_MS",
    platformBatchWindowMs: "PLATFORM_BATCH_WINDOW_MS",
    platformBatchEarlyDispatch: "PLATFORM_BATCH_EARLY_DISPATCH",
    nodeEnv: "NODE_ENV",
    internalContextKey: "INTERNAL_CONTEXT_KEY",
    internalContextSecret: "INTERNAL_CONTEXT_SECRET",
    upstreamTimeoutMs: "UPSTREAM_TIMEOUT_MS",
    upstreamRetries: "UPSTREAM_RETRIES",
    upstreamConnections: "UPSTREAM_CONNECTIONS",
    logLevel: "LOG_LEVEL",
  };
  const raw = Object.fromEntries(Object.entries(sources).map(([key, variable]) => [key, read(variable)]));
  const parsed = envSchema.safeParse({ ...raw, port: raw.port ?? SUBGRAPH_DEFAULT_PORTS[name] });
  // Issues of this schema are named after their variable already.
  const redis = redisEnvSchema.safeParse(env);
  const invalid = (problems: string[]) =>
    new Error(`invalid ${name} subgraph configuration: ${problems.join("; ")}`);
  if (!parsed.success || !redis.success) {
    throw invalid(
      [...(parsed.error?.issues ?? []), ...(redis.error?.issues ?? [])].map((issue) => {
        const key = String(issue.path[0]) as keyof typeof sources;
        return `${sources[key] ?? key}: ${issue.message}`;
      }),
    );
  }
  const c = parsed.data;
  const production = c.nodeEnv === "production";
  const contextProblem = contextKeyProblem(name, production, c.internalContextKey, c.internalContextSecret);
  if (contextProblem) throw invalid([contextProblem]);
  return {
    name,
    port: c.port,
    host: c.host,
    platformUrl: (c.platformUrl ?? `${c.platformBaseUrl.replace(/\/+$/, "")}/${name}/v1`).replace(/\/+$/, ""),
    redis: redis.data,
    redisKeyPrefix: c.redisKeyPrefix,
    recordCache: c.recordCache === "on",
    recordCacheMaxEntries: c.recordCacheMaxEntries,
    redisCommandTimeoutMs: c.redisCommandTimeoutMs,
    platformBatchWindowMs: c.platformBatchWindowMs,
    platformBatchEarlyDispatch: c.platformBatchEarlyDispatch === "on",
    production,
    contextKey: c.internalContextKey
      ? decodeContextKey(c.internalContextKey)
      : c.internalContextSecret
        ? deriveContextKey(c.internalContextSecret, name)
        : null,
    upstreamTimeoutMs: c.upstreamTimeoutMs,
    upstreamRetries: c.upstreamRetries,
    upstreamConnections: c.upstreamConnections,
    logLevel: c.logLevel,
    tracesUrl: tracesUrlOf(env),
  };
}

/** The configuration as printed at start: secrets and credentials in URLs redacted. */
export function redactedConfig(config: SubgraphConfig): Record<string, unknown> {
  return {
    ...config,
    redis: redactRedisConnection(config.redis),
    contextKey: config.contextKey === null ? null : "***",
  };
}
