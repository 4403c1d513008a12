import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { Caller } from "../../common/caller.ts";
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

export interface RateLimiter {
  /** Charges one request to the caller (its `sub`, else the client address); throws a 429 GraphQLError over the limit. */
  consume(caller: Caller | null, clientIp: string): Promise<void>;
}

function tooManyRequests(retryAfterSeconds: number, limit: number, windowSeconds: number): GraphQLError {
  // Apollo Server reads `http.headers` as a Map; typed loosely for the same reason as in auth/jwt.ts.
  const extensions: Record<string, unknown> = {
    code: "RATE_LIMITED",
    retryAfterSeconds,
    http: { status: 429, headers: new HeaderMap([["retry-after", String(retryAfterSeconds)]]) },
  };
  return new GraphQLError(
    `Rate limit exceeded: ${limit} requests per ${windowSeconds} s; retry in ${retryAfterSeconds} s`,
    { extensions },
  );
}

/**
 * Per-caller limits with rate-limiter-flexible: counters in Redis, shared by every gateway replica, with an in-memory
 * insurance limiter that takes over while Redis is unreachable (a Redis outage must not block the gateway);
 * in memory only without Redis.
 */
export function createRateLimiter(
  config: RateLimitConfig,
  deps: { redis: Redis | null; logger: Logger },
): RateLimiter {
  const prefix = config.keyPrefix ?? "lienthong:ratelimit";
  const build = (name: string, points: number): RateLimiterAbstract => {
    const options = { points, duration: config.windowSeconds, keyPrefix: `${prefix}:${name}` };
    if (!deps.redis) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: deps.redis,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  };
  const standard = build("std", config.points);
  const elevated = build("elevated", config.elevatedPoints);
  const elevatedScopes = new Set(config.elevatedScopes);

  return {
    async consume(caller, clientIp) {
      const isElevated = caller?.scopes.some((scope) => elevatedScopes.has(scope)) ?? false;
      const limiter = isElevated ? elevated : standard;
      const key = caller?.sub ? `sub:${caller.sub}` : `ip:${clientIp}`;
      try {
        await limiter.consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          throw tooManyRequests(retryAfter, limiter.points, config.windowSeconds);
        }
        // Neither Redis nor the insurance limiter answered: serving beats refusing everyone.
        deps.logger.warn(
          { err: { message: (rejection as Error).message } },
          "rate limiter unavailable; request allowed",
        );
      }
    },
  };
}
