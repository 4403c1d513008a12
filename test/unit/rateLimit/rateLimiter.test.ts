import type { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../../gateway/rateLimit/rateLimiter.ts";
import { caller } from "../authorization/fixture.ts";

const logger = pino({ level: "silent" });
const limiter = () =>
  createRateLimiter(
    { points: 3, windowSeconds: 60, elevatedScopes: ["ioc:dashboard"], elevatedPoints: 6 },
    { redis: null, logger },
  );

async function refusal(promise: Promise<unknown>): Promise<GraphQLError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  return error as GraphQLError;
}

describe("rate limiting without Redis", () => {
  it("answers 429 RATE_LIMITED with Retry-After once a caller is over its budget", async () => {
    const rateLimiter = limiter();
    const officer = caller(["population:read"]);
    for (let i = 0; i < 3; i += 1) await rateLimiter.consume(officer, "10.0.0.1");
    const error = await refusal(rateLimiter.consume(officer, "10.0.0.1"));
    expect(error.extensions.code).toBe("RATE_LIMITED");
    const http = error.extensions.http as unknown as { status: number; headers: HeaderMap };
    expect(http.status).toBe(429);
    const retryAfter = Number(http.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(http.headers.get("ratelimit-policy")).toBe('"default";q=3;w=60');
    expect(http.headers.get("ratelimit")).toMatch(/^"default";r=0;t=\d+$/);
  });

  it("tells every admitted caller its policy and what is left of it (IETF RateLimit fields)", async () => {
    const rateLimiter = limiter();
    const headers = await rateLimiter.consume(caller([], { sub: "a" }), "10.0.0.1");
    expect(headers).toEqual({ "ratelimit-policy": '"default";q=3;w=60', ratelimit: '"default";r=2;t=60' });
  });

  it("charges one point per operation of a batch", async () => {
    const rateLimiter = limiter();
    const screen = caller(["ioc:dashboard"], { sub: "ioc-wall-2" });
    const headers = await rateLimiter.consume(screen, "10.0.0.9", 5);
    expect(headers?.ratelimit).toBe('"ioc";r=1;t=60');
    await refusal(rateLimiter.consume(screen, "10.0.0.9", 2));
  });

  it("counts by token subject, not by address, and anonymous callers by address", async () => {
    const rateLimiter = limiter();
    for (let i = 0; i < 3; i += 1) await rateLimiter.consume(caller([], { sub: "a" }), "10.0.0.1");
    await expect(rateLimiter.consume(caller([], { sub: "b" }), "10.0.0.1")).resolves.not.toBeNull();
    for (let i = 0; i < 3; i += 1) await rateLimiter.consume(null, "10.0.0.2");
    await refusal(rateLimiter.consume(null, "10.0.0.2"));
    await expect(rateLimiter.consume(null, "10.0.0.3")).resolves.not.toBeNull();
  });

  it("gives IOC screens their larger budget", async () => {
    const rateLimiter = limiter();
    const screen = caller(["ioc:dashboard"], { sub: "ioc-wall-1" });
    for (let i = 0; i < 6; i += 1) await rateLimiter.consume(screen, "10.0.0.9");
    await refusal(rateLimiter.consume(screen, "10.0.0.9"));
  });
});
