import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { Caller } from "../../common/caller.ts";
import type { RedisClient } from "../../common/redis.ts";
import { sha256 } from "../cacheStore/keys.ts";
import type { Logger } from "../observability/logger.ts";

export interface RateLimitConfig {
  points: number;
  windowSeconds: number;
  /** Callers holding any of these scopes (IOC screens, operations) get `elevatedPoints` instead. */
  elevatedScopes: string[];
  elevatedPoints: number;
  /** Redis key prefix (tests use their own). */
  keyPrefix?: string;
}

/**
 * The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): the policy a caller is under and what is left of
 * it, e.g. `RateLimit-Policy: "default";q=600;w=60` and `RateLimit: "default";r=599;t=60`.
 */
export type RateLimitHeaders = Record<"ratelimit-policy" | "ratelimit", string>;

export interface RateLimiter {
  /**
   * Charges `operations` (one per operation of a batch) to the caller: its `sub`, else the client address. Returns the
   * RateLimit headers for the answer (none when no limiter could answer); over the limit, throws a 429 GraphQLError
   * carrying them with Retry-After.
   */
  consume(caller: Caller | null, clientIp: string, operations?: number): Promise<RateLimitHeaders | null>;
}

interface Policy {
  name: string;
  limiter: RateLimiterAbstract;
}

function headersOf(policy: Policy, windowSeconds: number, state: RateLimiterRes): RateLimitHeaders {
  const resetSeconds = Math.max(0, Math.ceil(state.msBeforeNext / 1000));
  return {
    "ratelimit-policy": `"${policy.name}";q=${policy.limiter.points};w=${windowSeconds}`,
    ratelimit: `"${policy.name}";r=${Math.max(0, state.remainingPoints)};t=${resetSeconds}`,
  };
}

function tooManyRequests(
  headers: RateLimitHeaders,
  retryAfterSeconds: number,
  limit: number,
  windowSeconds: number,
) {
  // Apollo Server reads `http.headers` as a Map; typed loosely for the same reason as in auth/jwt.ts.
  const extensions: Record<string, unknown> = {
    code: "RATE_LIMITED",
    retryAfterSeconds,
    http: {
      status: 429,
      headers: new HeaderMap([...Object.entries(headers), ["retry-after", String(retryAfterSeconds)]]),
    },
  };
  return new GraphQLError(
    `Rate limit exceeded: ${limit} operations per ${windowSeconds} s; retry in ${retryAfterSeconds} s`,
    { extensions },
  );
}

/**
 * Per-caller limits with rate-limiter-flexible, counted in operations: a JSON batch is charged one point per
 * operation, so batching saves round trips, never budget. Counters live in Redis, shared by every gateway replica, with
 * an in-memory insurance limiter that takes over while Redis is unreachable (a Redis outage must not block the
 * gateway); in memory only without Redis. Keys hold a hash of the caller id or address, never the value: Redis keys are
 * visible to anyone with Redis access (SCAN, MONITOR).
 */
export function createRateLimiter(
  config: RateLimitConfig,
  deps: { redis: RedisClient | null; logger: Logger },
): RateLimiter {
  const prefix = config.keyPrefix ?? "lienthong:ratelimit";
  const build = (name: string, points: number): Policy => {
    const options = { points, duration: config.windowSeconds, keyPrefix: `${prefix}:${name}` };
    if (!deps.redis) return { name, limiter: new RateLimiterMemory(options) };
    return {
      name,
      limiter: new RateLimiterRedis({
        ...options,
        storeClient: deps.redis,
        insuranceLimiter: new RateLimiterMemory(options),
      }),
    };
  };
  const standard = build("default", config.points);
  const elevated = build("ioc", config.elevatedPoints);
  const elevatedScopes = new Set(config.elevatedScopes);

  return {
    async consume(caller, clientIp, operations = 1) {
      const isElevated = caller?.scopes.some((scope) => elevatedScopes.has(scope)) ?? false;
      const policy = isElevated ? elevated : standard;
      const key = caller?.sub ? `sub:${sha256(caller.sub)}` : `ip:${sha256(clientIp)}`;
      try {
        return headersOf(policy, config.windowSeconds, await policy.limiter.consume(key, operations));
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          const headers = headersOf(policy, config.windowSeconds, rejection);
          throw tooManyRequests(headers, retryAfter, policy.limiter.points, config.windowSeconds);
        }
        // Neither Redis nor the insurance limiter answered: serving beats refusing everyone.
        deps.logger.warn(
          { err: { message: (rejection as Error).message } },
          "rate limiter unavailable; request allowed",
        );
        return null;
      }
    },
  };
}
