import { z } from "zod";
import { onOff, positiveInt } from "../../common/envSchema.ts";

export const rateLimitConfig = z
  .object({
    RATE_LIMIT: onOff("on"),
    RATE_LIMIT_POINTS: positiveInt(600),
    RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
    // IOC wall screens refresh every few seconds for a whole shift: their scopes get a larger budget.
    RATE_LIMIT_IOC_POINTS: positiveInt(6000),
    RATE_LIMIT_IOC_SCOPES: z.string().default("ioc:dashboard"),
    RATE_LIMIT_PREFIX: z.string().default("lienthong:ratelimit"),
    // Load balancers in front of the gateway that append to X-Forwarded-For; 0 = clients connect directly.
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  })
  .transform((env) => ({
    enabled: env.RATE_LIMIT,
    points: env.RATE_LIMIT_POINTS,
    windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
    elevatedPoints: env.RATE_LIMIT_IOC_POINTS,
    elevatedScopes: env.RATE_LIMIT_IOC_SCOPES.split(/[\s,]+/).filter((scope) => scope.length > 0),
    keyPrefix: env.RATE_LIMIT_PREFIX,
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
  }));

export type RateLimitConfig = z.output<typeof rateLimitConfig>;
