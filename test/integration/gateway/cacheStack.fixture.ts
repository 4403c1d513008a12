// A small real federation for the cache tests: two toy subgraphs that verify the gateway's signed caller context and
// answer differently per caller, a gateway assembled with the cache layers, and a Redis client with a key prefix of
// its own (the shared Redis serves everybody's tests).
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { ANONYMOUS, type Caller } from "../../../common/caller.ts";
import { createCacheStore } from "../../../gateway/cacheStore/store.ts";
import type { GatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { startTestGateway } from "../../support/gateway.ts";
import { freePort, redisUrl, uniqueRedisPrefix } from "../../support/index.ts";
import { CACHE_CONTROL_SDL, ToySubgraph, writeSupergraph } from "../../support/toySubgraph.ts";

const SECRET = "cache-test-secret";
export const OPS_TOKEN = "ops-test-token";

const UNITS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  ${CACHE_CONTROL_SDL}
  type Query {
    province(code: ID!): Province @cacheControl(maxAge: 60)
    whoami: String @cacheControl(maxAge: 30, scope: PRIVATE)
  }
  type Mutation { touch: Boolean }
  type Province @key(fields: "code") @cacheControl(maxAge: 60) {
    code: ID!
    name: String!
    communes: [Commune!]!
  }
  type Commune @key(fields: "code") @cacheControl(maxAge: 60) {
    code: ID!
    name: String!
  }
`;

const PEOPLE_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  ${CACHE_CONTROL_SDL}
  type Commune @key(fields: "code") @cacheControl(maxAge: 60) {
    code: ID!
    "Only for callers with population:read; null for the others."
    population: Int
    "PRIVATE: differs per caller."
    note: String @cacheControl(maxAge: 30, scope: PRIVATE)
  }
`;

const COMMUNES: Record<string, { name: string; province: string }> = {
  "40001": { name: "Phường Vinh Hưng", province: "40" },
  "40002": { name: "Phường Cửa Lò", province: "40" },
  "40003": { name: "Xã Nghi Lộc", province: "40" },
  "01001": { name: "Phường Ba Đình", province: "01" },
};
const PROVINCES: Record<string, string> = { "40": "Nghệ An", "01": "Hà Nội" };

type SubgraphContext = { caller: Caller };

const unitsResolvers = {
  Query: {
    province: (_: unknown, { code }: { code: string }) => (PROVINCES[code] ? { code } : null),
    whoami: (_: unknown, __: unknown, { caller }: SubgraphContext) => caller.sub,
  },
  Mutation: { touch: () => true },
  Province: {
    __resolveReference: (ref: { code: string }) => ref,
    name: ({ code }: { code: string }) => PROVINCES[code],
    communes: ({ code }: { code: string }) =>
      Object.entries(COMMUNES)
        .filter(([, commune]) => commune.province === code)
        .map(([communeCode]) => ({ code: communeCode })),
  },
  Commune: {
    __resolveReference: (ref: { code: string }) => ref,
    name: ({ code }: { code: string }) => COMMUNES[code]?.name,
  },
};

const peopleResolvers = {
  Commune: {
    __resolveReference: (ref: { code: string }) => ref,
    population: ({ code }: { code: string }, _: unknown, { caller }: SubgraphContext) =>
      caller.scopes.includes("population:read") ? 10_000 + Number(code.slice(2)) : null,
    note: ({ code }: { code: string }, _: unknown, { caller }: SubgraphContext) =>
      `${code} for ${caller.sub}`,
  },
};

export interface CacheSubgraphs {
  units: ToySubgraph;
  people: ToySubgraph;
  supergraphPath: string;
  reset(): void;
  stop(): Promise<void>;
}

export async function startCacheSubgraphs(): Promise<CacheSubgraphs> {
  const units = new ToySubgraph("units", UNITS_SDL, unitsResolvers, { contextSecret: SECRET });
  const people = new ToySubgraph("people", PEOPLE_SDL, peopleResolvers, { contextSecret: SECRET });
  await units.start();
  await people.start();
  const supergraph = await writeSupergraph([units, people]);
  return {
    units,
    people,
    supergraphPath: supergraph.path,
    reset() {
      units.reset();
      people.reset();
    },
    async stop() {
      await units.stop();
      await people.stop();
      await supergraph.remove();
    },
  };
}

export interface GatewayAnswer {
  status: number;
  xCache: string | null;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export interface CacheGateway {
  metrics: GatewayMetrics;
  /** POST /graphql as the given caller; resolves to the x-cache header and the parsed body. */
  query(
    query: string,
    options?: { caller?: Caller; variables?: Record<string, unknown> },
  ): Promise<GatewayAnswer>;
  /** POST /graphql with any body (extensions, APQ hashes…). */
  post(body: unknown, caller?: Caller): Promise<GatewayAnswer>;
  /** GET /graphql with these parameters and headers; the answer's headers too. */
  get(
    params: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<GatewayAnswer & { headers: Headers }>;
  purge(body: unknown, token?: string): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/** A test-only caller resolver: the caller comes as JSON in a header, so tests can play any visibility class. */
const TEST_CALLER_HEADER = "x-test-caller";

export async function startCacheGateway(
  subgraphs: CacheSubgraphs,
  options: { env?: Record<string, string>; redisUrl?: string | null; redisKeyPrefix?: string } = {},
): Promise<CacheGateway> {
  const url = options.redisUrl === undefined ? redisUrl() : options.redisUrl;
  // Reconnects faster than production's client: the outage test waits for Redis to come back.
  const redis = url
    ? new Redis(url, {
        keyPrefix: options.redisKeyPrefix ?? uniqueRedisPrefix("gateway-cache"),
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 500,
        retryStrategy: () => 100,
      })
    : null;
  redis?.on("error", () => {});
  const started = await startTestGateway({
    env: {
      SUPERGRAPH_PATH: subgraphs.supergraphPath,
      SUPERGRAPH_WATCH: "off",
      LOG_LEVEL: "silent",
      INTERNAL_CONTEXT_SECRET: SECRET,
      OPS_TOKEN,
      SUBGRAPH_RETRY: "off",
      BREAKER: "off",
      ...options.env,
    },
    redis,
    waitForRedis: true,
    resolveCaller: async (request) => {
      const header = request.headers[TEST_CALLER_HEADER];
      return typeof header === "string" ? (JSON.parse(header) as Caller) : ANONYMOUS;
    },
  });
  async function post(body: unknown, caller?: Caller) {
    const response = await started.post(body, caller ? { [TEST_CALLER_HEADER]: JSON.stringify(caller) } : {});
    return { status: response.status, xCache: response.headers.get("x-cache"), body: await response.json() };
  }
  return {
    metrics: started.metrics,
    query: (query, { caller, variables } = {}) => post({ query, variables }, caller),
    post,
    async get(params, headers = {}) {
      const response = await fetch(`${started.origin}/graphql?${new URLSearchParams(params)}`, { headers });
      const text = await response.text();
      return {
        status: response.status,
        xCache: response.headers.get("x-cache"),
        headers: response.headers,
        // Apollo Server's refusals before GraphQL (CSRF) are plain text.
        body: text.startsWith("{") ? JSON.parse(text) : text,
      };
    },
    async purge(body, token = OPS_TOKEN) {
      const response = await fetch(`${started.origin}/ops/purge`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async stop() {
      // Leave nothing behind in the shared Redis (before stopping: the gateway closes the client).
      if (redis?.status === "ready") {
        for (const layer of ["apq", "response", "entity"] as const) {
          await createCacheStore({
            redis,
            layer,
            maxEntries: 1,
            metrics: started.metrics,
            logger: started.logger,
          })
            .purge("")
            .catch(() => 0);
        }
      }
      await started.stop();
    },
  };
}

/** A redis-server of the test's own, on a free port, that the test may stop and start again. */
export class OwnRedis {
  private process: ChildProcess | null = null;
  port = 0;

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn("redis-server", ["--port", String(this.port), "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    this.process = child;
    const probe = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => {});
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }
}
