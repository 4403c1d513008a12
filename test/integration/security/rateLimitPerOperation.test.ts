// Rate limiting over the real stack: every operation of a batch is charged, every answer carries the IETF RateLimit
// fields, bad tokens are charged to the address, and Redis holds no caller id or address in clear.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../../gateway/cacheStore/keys.ts";
import { redisUrl } from "../../support/index.ts";
import { type Stack, type StackGateway, startStack } from "../../support/stack.ts";

const RATE_LIMIT_PREFIX = `ratelimit-per-operation-${randomUUID()}`;
let stack: Stack;
let gateway: StackGateway;
let redis: Redis;

beforeAll(async () => {
  stack = await startStack();
  gateway = await stack.startGateway({ RATE_LIMIT_PREFIX });
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return {
    status: response.status,
    policy: response.headers.get("ratelimit-policy"),
    remaining: remainingOf(response),
  };
}

function remainingOf(response: Response): number | null {
  const match = /^"default";r=(\d+);t=\d+$/.exec(response.headers.get("ratelimit") ?? "");
  return match ? Number(match[1]) : null;
}

async function rateLimitKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of redis.scanStream({
    match: `*${RATE_LIMIT_PREFIX}*`,
    count: 500,
  }) as AsyncIterable<string[]>) {
    keys.push(...batch);
  }
  return keys;
}

describe("rate limits per operation", () => {
  it("answer every request with RateLimit-Policy and RateLimit, and charge a 10-operation batch 10", async () => {
    const sub = `officer-${randomUUID()}`;
    const authorization = `Bearer ${await stack.token({ scopes: [], sub })}`;
    const single = await post({ query: "{ __typename }" }, { authorization });
    expect(single.status).toBe(200);
    expect(single.policy).toBe('"default";q=600;w=60');
    expect(single.remaining).toBe(599);
    const batch = Array.from({ length: 10 }, () => ({ query: "{ __typename }" }));
    const batched = await post(batch, { authorization });
    expect(batched.status).toBe(200);
    expect(batched.remaining).toBe(589);
  });

  it("charge a bad token to the client address", async () => {
    const before = await post({ query: "{ __typename }" });
    const badToken = await post({ query: "{ __typename }" }, { authorization: "Bearer not.a.token" });
    const after = await post({ query: "{ __typename }" });
    expect(badToken.status).toBe(401);
    expect(badToken.remaining).toBe((before.remaining ?? 0) - 1);
    expect(after.remaining).toBe((before.remaining ?? 0) - 2);
  });

  it("keep neither the caller id nor the client address in clear in Redis", async () => {
    const sub = `officer-${randomUUID()}`;
    await post(
      { query: "{ __typename }" },
      { authorization: `Bearer ${await stack.token({ scopes: [], sub })}` },
    );
    await post({ query: "{ __typename }" });
    const keys = await rateLimitKeys();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) {
      expect(key).not.toContain(sub);
      expect(key).not.toContain("127.0.0.1");
    }
    expect(keys.some((key) => key.endsWith(`:sub:${sha256(sub)}`))).toBe(true);
  });
});
