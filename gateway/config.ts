import type { z } from "zod";
import { redactRedisConnection } from "../common/redis.ts";
import { apqConfig } from "./apq/config.ts";
import { authenticationConfig } from "./authentication/config.ts";
import { resolveKeySource } from "./authentication/jwt.ts";
import { cacheFreshnessConfig, redisConfig } from "./cacheStore/config.ts";
import { dedupConfig } from "./dedup/config.ts";
import { demandControlConfig } from "./demandControl/config.ts";
import { executorConfig } from "./executor/config.ts";
import { explorerConfig } from "./explorer/config.ts";
import { internalContextConfig, subgraphsConfig } from "./fetch/config.ts";
import { fetchCacheConfig } from "./fetchCache/config.ts";
import { serverConfig } from "./http/config.ts";
import { logConfig, tracingConfig } from "./observability/config.ts";
import { opsConfig } from "./ops/config.ts";
import { rateLimitConfig } from "./rateLimit/config.ts";
import { resilienceConfig } from "./resilience/config.ts";
import { responseCacheConfig } from "./responseCache/config.ts";
import { safelistConfig } from "./safelist/config.ts";
import { supergraphConfig } from "./supergraph/config.ts";

// Every knob is an environment variable with a default that runs on a laptop. Each feature folder owns its section
// (`<feature>/config.ts`), the way Apollo Router's YAML has one block per feature; this file only assembles them.
const SECTIONS = {
  server: serverConfig,
  supergraph: supergraphConfig,
  redis: redisConfig,
  cacheFreshness: cacheFreshnessConfig,
  subgraphs: subgraphsConfig,
  internalContext: internalContextConfig,
  resilience: resilienceConfig,
  demandControl: demandControlConfig,
  apq: apqConfig,
  responseCache: responseCacheConfig,
  fetchCache: fetchCacheConfig,
  dedup: dedupConfig,
  executor: executorConfig,
  authentication: authenticationConfig,
  rateLimit: rateLimitConfig,
  safelist: safelistConfig,
  ops: opsConfig,
  explorer: explorerConfig,
  log: logConfig,
  tracing: tracingConfig,
};

export type GatewayConfig = { [K in keyof typeof SECTIONS]: z.output<(typeof SECTIONS)[K]> };

export class GatewayConfigError extends Error {}

/** Reads the whole configuration from an environment once; every problem is reported in one error. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const problems: string[] = [];
  const config = {} as Record<string, unknown>;
  for (const [name, schema] of Object.entries(SECTIONS)) {
    const result = schema.safeParse(env);
    if (result.success) config[name] = result.data;
    else for (const issue of result.error.issues) problems.push(`${issue.path.join(".")}: ${issue.message}`);
  }
  const parsed = config as GatewayConfig;
  if (problems.length === 0) problems.push(...crossSectionProblems(parsed));
  if (problems.length > 0) {
    throw new GatewayConfigError(`Invalid gateway configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed;
}

/** Rules that involve more than one section: what production refuses to start without. */
function crossSectionProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  try {
    resolveKeySource({ ...config.authentication, production: config.server.production });
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (config.server.production && !config.internalContext.secret) {
    problems.push(
      "INTERNAL_CONTEXT_SECRET: required when NODE_ENV=production (subgraphs trust only signed callers)",
    );
  }
  return problems;
}

const SECRET_PATHS = ["internalContext.secret", "ops.token", "authentication.jwtSecret"] as const;

/** The configuration as it may be printed at start: secrets (and Redis credentials) replaced. */
export function redactConfig(config: GatewayConfig): GatewayConfig {
  const copy = structuredClone(config);
  for (const path of SECRET_PATHS) {
    const [sectionName, key] = path.split(".") as [keyof GatewayConfig, string];
    const target = copy[sectionName] as Record<string, unknown>;
    const value = target[key];
    if (typeof value !== "string") continue;
    target[key] = "***";
  }
  copy.redis.connection = redactRedisConnection(copy.redis.connection);
  return copy;
}
