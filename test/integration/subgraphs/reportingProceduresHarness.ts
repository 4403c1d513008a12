import { Redis } from "ioredis";
import type { Caller } from "../../../common/caller.ts";
import { CALLER_CONTEXT_HEADER } from "../../../common/signedContext.ts";
import { DEFAULT_CONFIG } from "../../../sandbox/config.ts";
import { createSandbox, type Sandbox } from "../../../sandbox/server.ts";
import { loadSubgraphConfig, type SubgraphConfig, type SubgraphName } from "../../../subgraphs/kit/config.ts";
import { createSubgraphDeps } from "../../../subgraphs/kit/runtime.ts";
import type { SubgraphDeps, SubgraphServer } from "../../../subgraphs/kit/server.ts";
import { redisUrl, signTestContext, uniqueRedisPrefix } from "../../support/index.ts";

// The reporting and procedures subgraphs against the real sandbox (in-process, free port) and the real Redis,
// under a key prefix of their own so that parallel runs never share records.

export const INTERNAL_SECRET = "integration-test-internal-context-secret";

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string } }>;
}

/** A root field of a response, failing the test with the whole body when it is missing. */
export function rootField<T>(body: GraphQLBody, name: string): T {
  const value = body.data?.[name];
  if (value === undefined || value === null) throw new Error(`no ${name} in ${JSON.stringify(body)}`);
  return value as T;
}

export interface Stack {
  sandboxUrl: string;
  query(query: string, variables?: Record<string, unknown>, caller?: Partial<Caller>): Promise<GraphQLBody>;
  /** Sandbox requests per route template since the last reset. */
  platformRequests(): Promise<Record<string, number>>;
  resetPlatformRequests(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  /** Removes this run's records from Redis (only keys under its own prefix). */
  flushRecordCache(): Promise<void>;
  stop(): Promise<void>;
}

/** A plain client on the test's prefix: proves Redis is there (the subgraph's own client fails open) and cleans up. */
async function prefixClient(prefix: string): Promise<Redis> {
  const redis = new Redis(redisUrl(), { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at ${redisUrl()} is not reachable: ${(error as Error).message}`);
  }
  return redis;
}

export async function startStack(
  name: SubgraphName,
  create: (config: SubgraphConfig, deps: SubgraphDeps) => SubgraphServer,
): Promise<Stack> {
  const prefix = uniqueRedisPrefix(name);
  const redis = await prefixClient(prefix);
  const sandbox: Sandbox = createSandbox({ ...DEFAULT_CONFIG, port: 0 });
  const { url: sandboxUrl } = await sandbox.start();
  const base = sandboxUrl.replace(/\/+$/, "");
  const config = loadSubgraphConfig(name, {
    [`${name.toUpperCase()}_PORT`]: "0",
    PLATFORM_BASE_URL: base,
    REDIS_URL: redisUrl(),
    REDIS_KEY_PREFIX: prefix,
    REDIS_COMMAND_TIMEOUT_MS: "2000",
    UPSTREAM_RETRIES: "0",
    INTERNAL_CONTEXT_SECRET: INTERNAL_SECRET,
    LOG_LEVEL: "silent",
  });
  const runtime = createSubgraphDeps(config);
  await runtime.ready();
  const server = create(config, runtime.deps);
  const { url } = await server.start();
  const control = (path: string, init?: RequestInit) => fetch(`${base}${path}`, init);

  // The client adds the prefix itself; SCAN answers full keys.
  async function flushRecordCache() {
    const keys: string[] = [];
    const stream = redis.scanStream({ match: `${prefix}*`, count: 500 });
    for await (const batch of stream as AsyncIterable<string[]>) keys.push(...batch);
    if (keys.length > 0) await redis.unlink(...keys.map((key) => key.slice(prefix.length)));
  }

  return {
    sandboxUrl: base,
    async query(query, variables = {}, caller = {}) {
      const body = JSON.stringify({ query, variables });
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [CALLER_CONTEXT_HEADER]: signTestContext(caller, INTERNAL_SECRET, { audience: name, body }),
        },
        body,
      });
      return (await response.json()) as GraphQLBody;
    },
    async platformRequests() {
      const stats = (await (await control("/_sandbox/stats")).json()) as {
        byEndpoint: Record<string, number>;
      };
      return stats.byEndpoint;
    },
    async resetPlatformRequests() {
      await control("/_sandbox/stats/reset", { method: "POST" });
    },
    async setLatency(ms) {
      await control("/_sandbox/faults", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ latencyMs: ms }),
      });
    },
    flushRecordCache,
    async stop() {
      await server.stop();
      await runtime.close();
      await flushRecordCache();
      await redis.quit();
      await sandbox.stop();
    },
  };
}
