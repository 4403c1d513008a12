import { z } from "zod";
import { resolveKeySource } from "./auth/jwt.ts";

// Every knob is an environment variable with a default that runs on a laptop; one zod section per feature,
// the way Apollo Router's YAML has one block per feature.

const onOff = (fallback: "on" | "off") =>
  z
    .enum(["on", "off"])
    .default(fallback)
    .transform((value) => value === "on");
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value && value.length > 0 ? value : null));

const serverSection = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    GATEWAY_HOST: z.string().default("127.0.0.1"),
    GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    WORKERS: positiveInt(1),
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
    MAX_BODY_BYTES: positiveInt(100 * 1024),
    INTROSPECTION: z.enum(["on", "off"]).optional(),
    LANDING_OPERATIONS_DIR: z.string().default("schema/operations"),
  })
  .transform((env) => ({
    production: env.NODE_ENV === "production",
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    workers: env.WORKERS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    maxBodyBytes: env.MAX_BODY_BYTES,
    // A government gateway does not hand its schema to strangers: off in production unless asked for.
    introspection: env.INTROSPECTION ? env.INTROSPECTION === "on" : env.NODE_ENV !== "production",
    landingOperationsDir: env.LANDING_OPERATIONS_DIR,
  }));

const supergraphSection = z
  .object({
    SUPERGRAPH_PATH: z.string().default("schema/supergraph.graphql"),
    SUPERGRAPH_WATCH: onOff("on"),
  })
  .transform((env) => ({ path: env.SUPERGRAPH_PATH, watch: env.SUPERGRAPH_WATCH }));

const redisSection = z
  .object({
    REDIS_URL: optionalString,
    REDIS_COMMAND_TIMEOUT_MS: positiveInt(500),
    // Lets several deployments (or test runs) share one Redis without seeing, or purging, each other's keys.
    REDIS_KEY_PREFIX: z.string().default(""),
  })
  .transform((env) => ({
    url: env.REDIS_URL,
    commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    keyPrefix: env.REDIS_KEY_PREFIX,
  }));

/** SUBGRAPH_TIMEOUT_MS_<NAME> and SUBGRAPH_URL_<NAME> override one subgraph (name upper-cased). */
function perSubgraph<T>(env: Record<string, string | undefined>, prefix: string, parse: (raw: string) => T) {
  const overrides: Record<string, T> = {};
  for (const [key, raw] of Object.entries(env)) {
    if (key.startsWith(prefix) && raw !== undefined && raw !== "") {
      overrides[key.slice(prefix.length).toLowerCase()] = parse(raw);
    }
  }
  return overrides;
}

const subgraphSection = z
  .object({
    SUBGRAPH_TIMEOUT_MS: positiveInt(10_000),
    SUBGRAPH_CONNECTIONS: positiveInt(64),
    SUBGRAPH_RETRY: onOff("on"),
  })
  .transform((env) => ({
    timeoutMs: env.SUBGRAPH_TIMEOUT_MS,
    connections: env.SUBGRAPH_CONNECTIONS,
    retry: env.SUBGRAPH_RETRY,
  }));

const timeoutOverride = z.coerce.number().int().positive();
const urlOverride = z.url();

const breakerSection = z
  .object({
    BREAKER: onOff("on"),
    BREAKER_CONSECUTIVE_FAILURES: positiveInt(5),
    BREAKER_HALF_OPEN_AFTER_MS: positiveInt(10_000),
  })
  .transform((env) => ({
    enabled: env.BREAKER,
    consecutiveFailures: env.BREAKER_CONSECUTIVE_FAILURES,
    halfOpenAfterMs: env.BREAKER_HALF_OPEN_AFTER_MS,
  }));

const limitsSection = z
  .object({
    MAX_DEPTH: positiveInt(12),
    MAX_ALIASES: positiveInt(30),
    MAX_TOKENS: positiveInt(2000),
    MAX_COST: positiveInt(5000),
    COST_LIST_SIZE: positiveInt(10),
    MAX_BATCH: positiveInt(10),
  })
  .transform((env) => ({
    maxDepth: env.MAX_DEPTH,
    maxAliases: env.MAX_ALIASES,
    maxTokens: env.MAX_TOKENS,
    maxCost: env.MAX_COST,
    // Assumed length of a list field without a first/last/limit argument when estimating cost.
    costListSize: env.COST_LIST_SIZE,
    maxBatch: env.MAX_BATCH,
  }));

const cachesSection = z
  .object({
    APQ_CACHE: onOff("on"),
    RESPONSE_CACHE: onOff("on"),
    ENTITY_CACHE: onOff("on"),
    DEDUP: onOff("on"),
    CACHE_MAX_ENTRIES: positiveInt(10_000),
    ENTITY_CACHE_STALE_IF_ERROR_SECONDS: z.coerce.number().int().min(0).default(300),
    OPS_TOKEN: optionalString,
  })
  .transform((env) => ({
    apq: env.APQ_CACHE,
    response: env.RESPONSE_CACHE,
    entity: env.ENTITY_CACHE,
    dedup: env.DEDUP,
    maxEntries: env.CACHE_MAX_ENTRIES,
    staleIfErrorSeconds: env.ENTITY_CACHE_STALE_IF_ERROR_SECONDS,
    opsToken: env.OPS_TOKEN,
  }));

const authSection = z
  .object({
    AUTH_JWT_SECRET: optionalString,
    AUTH_JWKS_URL: optionalString.pipe(z.url().nullable()),
    AUTH_ISSUER: optionalString,
    AUTH_AUDIENCE: optionalString,
    RATE_LIMIT: onOff("on"),
    RATE_LIMIT_POINTS: positiveInt(600),
    RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
    // IOC wall screens refresh every few seconds for a whole shift: their scopes get a larger budget.
    RATE_LIMIT_IOC_POINTS: positiveInt(6000),
    RATE_LIMIT_IOC_SCOPES: z.string().default("ioc:dashboard"),
    RATE_LIMIT_PREFIX: z.string().default("lienthong:ratelimit"),
    // Load balancers in front of the gateway that append to X-Forwarded-For; 0 = clients connect directly.
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    SAFELIST: onOff("off"),
    SAFELIST_DIR: z.string().default("schema/operations"),
  })
  .transform((env) => ({
    jwtSecret: env.AUTH_JWT_SECRET,
    jwksUrl: env.AUTH_JWKS_URL,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    rateLimit: {
      enabled: env.RATE_LIMIT,
      points: env.RATE_LIMIT_POINTS,
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      elevatedPoints: env.RATE_LIMIT_IOC_POINTS,
      elevatedScopes: env.RATE_LIMIT_IOC_SCOPES.split(/[\s,]+/).filter((scope) => scope.length > 0),
      keyPrefix: env.RATE_LIMIT_PREFIX,
      trustedProxyHops: env.TRUSTED_PROXY_HOPS,
    },
    safelist: { enabled: env.SAFELIST, dir: env.SAFELIST_DIR },
  }));

const internalContextSection = z
  .object({ INTERNAL_CONTEXT_SECRET: optionalString })
  .transform((env) => ({ secret: env.INTERNAL_CONTEXT_SECRET }));

const logSection = z
  .object({
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .transform((env) => ({ level: env.LOG_LEVEL }));

export type GatewayConfig = {
  server: z.output<typeof serverSection>;
  supergraph: z.output<typeof supergraphSection>;
  redis: z.output<typeof redisSection>;
  subgraphs: z.output<typeof subgraphSection> & {
    timeoutOverridesMs: Record<string, number>;
    urlOverrides: Record<string, string>;
  };
  breaker: z.output<typeof breakerSection>;
  limits: z.output<typeof limitsSection>;
  caches: z.output<typeof cachesSection>;
  auth: z.output<typeof authSection>;
  internalContext: z.output<typeof internalContextSection>;
  log: z.output<typeof logSection>;
};

export class GatewayConfigError extends Error {}

/** Reads the whole configuration from an environment once; every problem is reported in one error. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const problems: string[] = [];
  function section<S extends z.ZodType>(schema: S): z.output<S> {
    const result = schema.safeParse(env);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`${issue.path.join(".")}: ${issue.message}`);
      return undefined as z.output<S>;
    }
    return result.data;
  }
  function overrides<T>(prefix: string, schema: z.ZodType<T>): Record<string, T> {
    return perSubgraph(env, prefix, (raw) => {
      const result = schema.safeParse(raw);
      if (!result.success) problems.push(`${prefix}*: ${result.error.issues[0]?.message} (${raw})`);
      return result.data as T;
    });
  }

  const config: GatewayConfig = {
    server: section(serverSection),
    supergraph: section(supergraphSection),
    redis: section(redisSection),
    subgraphs: {
      ...section(subgraphSection),
      timeoutOverridesMs: overrides("SUBGRAPH_TIMEOUT_MS_", timeoutOverride),
      urlOverrides: overrides("SUBGRAPH_URL_", urlOverride),
    },
    breaker: section(breakerSection),
    limits: section(limitsSection),
    caches: section(cachesSection),
    auth: section(authSection),
    internalContext: section(internalContextSection),
    log: section(logSection),
  };
  if (config.server && config.auth) {
    try {
      resolveKeySource({ ...config.auth, production: config.server.production });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (config.server?.production && !config.internalContext?.secret) {
    problems.push(
      "INTERNAL_CONTEXT_SECRET: required when NODE_ENV=production (subgraphs trust only signed callers)",
    );
  }
  if (problems.length > 0) {
    throw new GatewayConfigError(`Invalid gateway configuration:\n  ${problems.join("\n  ")}`);
  }
  return config;
}

const SECRET_PATHS = ["internalContext.secret", "caches.opsToken", "auth.jwtSecret", "redis.url"] as const;

/** The configuration as it may be printed at start: secrets (and Redis credentials) replaced. */
export function redactConfig(config: GatewayConfig): GatewayConfig {
  const copy = structuredClone(config);
  for (const path of SECRET_PATHS) {
    const [sectionName, key] = path.split(".") as [keyof GatewayConfig, string];
    const target = copy[sectionName] as Record<string, unknown>;
    const value = target[key];
    if (typeof value !== "string") continue;
    target[key] = key === "url" ? value.replace(/\/\/[^@/]*@/, "//***@") : "***";
  }
  return copy;
}
