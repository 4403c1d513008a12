// A small real federation for the cache tests: two @apollo/subgraph servers that verify the gateway's signed
// caller context and answer differently per caller, a gateway assembled with the cache layers, and a Redis client
// with a key prefix of its own (the shared Redis serves everybody's tests).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type GraphQLError, parse } from "graphql";
import { Redis } from "ioredis";
import { ANONYMOUS, type Caller } from "../../../common/caller.ts";
import {
  CALLER_CONTEXT_HEADER,
  deriveContextKey,
  verifyCallerContext,
} from "../../../common/signedContext.ts";
import { createCacheStore } from "../../../gateway/cacheStore/store.ts";
import { loadGatewayConfig } from "../../../gateway/config.ts";
import { createGateway } from "../../../gateway/createGateway.ts";
import { createLogger } from "../../../gateway/observability/logger.ts";
import { createGatewayMetrics, type GatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { freePort, redisUrl, uniqueRedisPrefix } from "../../support/index.ts";

const SECRET = "cache-test-secret";
export const OPS_TOKEN = "ops-test-token";

const CACHE_CONTROL_SDL = `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean)
    on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
`;

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

/** One subgraph on a free port; records the GraphQL documents it receives. */
export class CacheTestSubgraph {
  readonly queries: string[] = [];
  /** The representations' codes of each `_entities` fetch received. */
  readonly entityFetches: string[][] = [];
  delayMs = 0;
  private server: Server | null = null;
  private apollo: ApolloServer<SubgraphContext> | null = null;
  private port = 0;

  constructor(
    readonly name: string,
    readonly sdl: string,
    private readonly resolvers: object,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  async start(): Promise<void> {
    const apollo = new ApolloServer<SubgraphContext>({
      schema: buildSubgraphSchema({ typeDefs: parse(this.sdl), resolvers: this.resolvers as never }),
    });
    this.apollo = apollo;
    await apollo.start();
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString("utf8") || "{}");
      this.queries.push(body.query);
      const representations = body.variables?.representations as { code: string }[] | undefined;
      if (representations)
        this.entityFetches.push(representations.map((representation) => representation.code));
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers.set(key, value);
      }
      const contextHeader = request.headers[CALLER_CONTEXT_HEADER];
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? "POST", headers, search: "", body },
        context: async () =>
          verifyCallerContext(
            String(contextHeader),
            { audience: this.name, body: raw },
            deriveContextKey(SECRET, this.name),
          ),
      });
      for (const [key, value] of result.headers) response.setHeader(key, value);
      response.statusCode = result.status ?? 200;
      response.end(result.body.kind === "complete" ? result.body.string : "");
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
    await this.apollo?.stop();
  }
}

export interface CacheSubgraphs {
  units: CacheTestSubgraph;
  people: CacheTestSubgraph;
  supergraphPath: string;
  reset(): void;
  stop(): Promise<void>;
}

export async function startCacheSubgraphs(): Promise<CacheSubgraphs> {
  const units = new CacheTestSubgraph("units", UNITS_SDL, unitsResolvers);
  const people = new CacheTestSubgraph("people", PEOPLE_SDL, peopleResolvers);
  await units.start();
  await people.start();
  const composed = composeServices(
    [units, people].map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
  );
  if (composed.errors) throw new Error(composed.errors.map((e: GraphQLError) => e.message).join("\n"));
  const dir = await mkdtemp(join(tmpdir(), "lienthong-cache-"));
  const supergraphPath = join(dir, "supergraph.graphql");
  await writeFile(supergraphPath, composed.supergraphSdl);
  return {
    units,
    people,
    supergraphPath,
    reset() {
      for (const subgraph of [units, people]) {
        subgraph.queries.length = 0;
        subgraph.entityFetches.length = 0;
      }
    },
    async stop() {
      await units.stop();
      await people.stop();
      await rm(dir, { recursive: true, force: true });
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
  const config = loadGatewayConfig({
    GATEWAY_PORT: "0",
    SUPERGRAPH_PATH: subgraphs.supergraphPath,
    SUPERGRAPH_WATCH: "off",
    LOG_LEVEL: "silent",
    INTERNAL_CONTEXT_SECRET: SECRET,
    OPS_TOKEN,
    SUBGRAPH_RETRY: "off",
    BREAKER: "off",
    ...options.env,
  });
  const logger = createLogger(config);
  const metrics = createGatewayMetrics();
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
  if (redis) await waitUntilReady(redis);
  const gateway = createGateway(config, {
    logger,
    metrics,
    redis,
    resolveCaller: async (request) => {
      const header = request.headers[TEST_CALLER_HEADER];
      return typeof header === "string" ? (JSON.parse(header) as Caller) : ANONYMOUS;
    },
  });
  const { url: endpoint, port } = await gateway.start();
  async function post(body: unknown, caller?: Caller) {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(caller ? { [TEST_CALLER_HEADER]: JSON.stringify(caller) } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, xCache: response.headers.get("x-cache"), body: await response.json() };
  }
  return {
    metrics,
    query: (query, { caller, variables } = {}) => post({ query, variables }, caller),
    post,
    async purge(body, token = OPS_TOKEN) {
      const response = await fetch(`http://127.0.0.1:${port}/ops/purge`, {
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
          await createCacheStore({ redis, layer, maxEntries: 1, metrics, logger })
            .purge("")
            .catch(() => 0);
        }
      }
      await gateway.stop();
    },
  };
}

async function waitUntilReady(redis: Redis): Promise<void> {
  const deadline = Date.now() + 5000;
  while (redis.status !== "ready") {
    if (Date.now() > deadline)
      throw new Error(`Redis not ready (${redis.status}); the cache tests need a real Redis`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
