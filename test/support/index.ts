import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import type { Registry } from "prom-client";
import type { Caller } from "../../common/caller.ts";
import { deriveContextKey, signCallerContext } from "../../common/signedContext.ts";

export { signCallerContext };

/** A port nobody listens on right now (ask the OS). Prefer listening on port 0 where the server allows it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the free port"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** A Redis key prefix unique to this test run, so parallel runs sharing one Redis never see each other's keys. */
export function uniqueRedisPrefix(name: string): string {
  return `test:${name}:${process.pid}:${randomUUID().slice(0, 8)}:`;
}

export function redisUrl(): string {
  return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/**
 * Signs a caller context header value the way the gateway does: with `audience`'s key derived from `secret`, for
 * exactly these `body` bytes; `now` back-dates it.
 */
export function signTestContext(
  caller: Partial<Caller>,
  secret: string,
  request: { audience: string; body: string; requestId?: string; now?: number },
): string {
  return signCallerContext(
    { sub: "test", scopes: [], province: null, commune: null, ...caller },
    { audience: request.audience, body: request.body, requestId: request.requestId ?? "test-request" },
    deriveContextKey(secret, request.audience),
    request.now,
  );
}

/** The value of one series of a prom-client metric (counter, gauge, or a histogram's `_sum`/`_count`), 0 when absent. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const base = name.replace(/_(sum|count)$/, "");
  const metric = registry.getSingleMetric(base) ?? registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const series = values.filter((v) =>
    (v as { metricName?: string }).metricName === undefined
      ? name === base
      : (v as { metricName?: string }).metricName === name,
  );
  return series
    .filter((v) => Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Fails (never skips) when the shared Redis is not answering, so a missing Redis is visible in CI. */
export async function assertRedisReachable(url: string = redisUrl()): Promise<void> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `this test needs Redis at ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Resolves once `check` holds, polling every 50 ms; fails after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("condition not reached in time");
}
