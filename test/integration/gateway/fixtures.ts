// Small real federation for the gateway's own tests: two @apollo/subgraph servers on free loopback ports,
// composed in the test with @apollo/composition, so these tests do not depend on the product subgraphs.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { composeServices } from "@apollo/composition";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type DocumentNode, type GraphQLError, parse } from "graphql";
import { createRedis } from "../../../gateway/cacheStore/redis.ts";
import { type GatewayConfig, loadGatewayConfig } from "../../../gateway/config.ts";
import { createGateway, type Gateway } from "../../../gateway/createGateway.ts";
import { createLogger } from "../../../gateway/observability/logger.ts";
import { createGatewayMetrics, type GatewayMetrics } from "../../../gateway/observability/metrics.ts";

const CACHE_CONTROL_SDL = `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean)
    on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
`;

export const PLACES_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
  ${CACHE_CONTROL_SDL}
  type Query {
    province(code: ID!): Province @cacheControl(maxAge: 60)
    provinces: [Province!]! @cacheControl(maxAge: 60)
    secretNote: String @cacheControl(maxAge: 30, scope: PRIVATE)
    brokenField: String
  }
  type Mutation { touch: Boolean }
  type Province @key(fields: "code") @cacheControl(maxAge: 60) {
    code: ID!
    name: String!
    communes(first: Int): [Commune!]!
  }
  type Commune @key(fields: "code") @cacheControl(maxAge: 60) {
    code: ID!
    name: String!
    parent: Province
  }
`;

export const STATS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  ${CACHE_CONTROL_SDL}
  type Province @key(fields: "code") @cacheControl(maxAge: 30) {
    code: ID!
    population: Int
  }
`;

const PROVINCES = [
  { code: "40", name: "Nghệ An" },
  { code: "01", name: "Hà Nội" },
];
const COMMUNES = [
  { code: "40001", name: "Vinh", province: "40" },
  { code: "40002", name: "Cửa Lò", province: "40" },
];

const placesResolvers = {
  Query: {
    province: (_: unknown, { code }: { code: string }) => PROVINCES.find((p) => p.code === code) ?? null,
    provinces: () => PROVINCES,
    secretNote: () => "for your eyes only",
    brokenField: () => {
      throw new Error("ECONNREFUSED 10.1.2.3:5432 at db.internal (SELECT * FROM citizens)");
    },
  },
  Mutation: { touch: () => true },
  Province: {
    __resolveReference: (ref: { code: string }) => PROVINCES.find((p) => p.code === ref.code) ?? null,
    communes: (province: { code: string }, { first }: { first?: number }) =>
      COMMUNES.filter((c) => c.province === province.code).slice(0, first ?? 100),
  },
  Commune: {
    __resolveReference: (ref: { code: string }) => COMMUNES.find((c) => c.code === ref.code) ?? null,
    parent: (commune: { province: string }) => PROVINCES.find((p) => p.code === commune.province),
  },
};

const statsResolvers = {
  Province: {
    __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
    population: (province: { code: string }) => (province.code === "40" ? 3_400_000 : 8_500_000),
  },
};

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  query: string;
  /** The body bytes as received (what the signed caller context is bound to). */
  raw: Buffer;
}

/** One test subgraph: /graphql and /health, stoppable and restartable on the same port. */
export class TestSubgraph {
  readonly received: ReceivedRequest[] = [];
  delayMs = 0;
  private server: Server | null = null;
  private apollo: ApolloServer | null = null;
  port = 0;

  constructor(
    readonly name: string,
    private readonly typeDefs: DocumentNode,
    private readonly resolvers: object,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  async start(): Promise<void> {
    this.apollo = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs: this.typeDefs, resolvers: this.resolvers as never }),
    });
    await this.apollo.start();
    const apollo = this.apollo;
    this.server = createServer(async (request, response) => {
      if (request.url === "/health") {
        response.end("ok");
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString("utf8") || "{}");
      this.received.push({ headers: request.headers, query: body.query, raw });
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(request.headers))
        if (typeof value === "string") headers.set(key, value);
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? "POST", headers, search: "", body },
        context: async () => ({}),
      });
      for (const [key, value] of result.headers) response.setHeader(key, value);
      response.statusCode = result.status ?? 200;
      response.end(result.body.kind === "complete" ? result.body.string : "");
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await this.apollo?.stop();
  }
}

export const placesSubgraph = () => new TestSubgraph("places", parse(PLACES_SDL), placesResolvers);
export const statsSubgraph = () => new TestSubgraph("stats", parse(STATS_SDL), statsResolvers);

export function composeSupergraph(subgraphs: { name: string; url: string; sdl: string }[]): string {
  const result = composeServices(
    subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
  );
  if (result.errors) throw new Error(result.errors.map((e: GraphQLError) => e.message).join("\n"));
  return result.supergraphSdl;
}

/** Collects the gateway's pino lines. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line) continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line));
    }
    done();
  }
}

export interface TestStack {
  gateway: Gateway;
  url: string;
  origin: string;
  /** The ops listener (/metrics, detailed /ready, /ops/purge), on a free loopback port. */
  opsOrigin: string;
  config: GatewayConfig;
  metrics: GatewayMetrics;
  logs: LogCapture;
  subgraphs: TestSubgraph[];
  supergraphPath: string;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the given subgraphs, writes their supergraph to a temp file and starts a gateway on port 0. */
export async function startStack(
  options: { env?: Record<string, string>; subgraphs?: TestSubgraph[] } = {},
): Promise<TestStack> {
  const subgraphs = options.subgraphs ?? [placesSubgraph(), statsSubgraph()];
  for (const subgraph of subgraphs) await subgraph.start();
  const dir = await mkdtemp(join(tmpdir(), "lienthong-gateway-"));
  const supergraphPath = join(dir, "supergraph.graphql");
  await writeFile(
    supergraphPath,
    composeSupergraph(
      subgraphs.map((s) => ({ name: s.name, url: s.url, sdl: s.name === "places" ? PLACES_SDL : STATS_SDL })),
    ),
  );
  // Explicit environment: the developer's or CI's own variables (REDIS_URL…) must not leak in.
  const config = loadGatewayConfig({
    GATEWAY_PORT: "0",
    OPS_PORT: "0",
    SUPERGRAPH_PATH: supergraphPath,
    LOG_LEVEL: "info",
    INTERNAL_CONTEXT_SECRET: "test-secret",
    // These suites are about serving, limits and resilience: every answer must come from the subgraphs.
    RESPONSE_CACHE: "off",
    ENTITY_CACHE: "off",
    DEDUP: "off",
    ...options.env,
  });
  const logs = new LogCapture();
  const logger = createLogger(config, logs);
  const metrics = createGatewayMetrics();
  const gateway = createGateway(config, { logger, metrics, redis: createRedis(config, { logger, metrics }) });
  const { url, port, opsUrl } = await gateway.start();
  const origin = `http://127.0.0.1:${port}`;
  return {
    gateway,
    url,
    origin,
    opsOrigin: opsUrl!,
    config,
    metrics,
    logs,
    subgraphs,
    supergraphPath,
    post: (body, headers = {}) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    async stop() {
      await gateway.stop();
      for (const subgraph of subgraphs) await subgraph.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
