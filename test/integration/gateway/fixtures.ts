// The gateway's own toy federation: places (provinces, communes, a PRIVATE field, a failing field) and stats (a
// population per province), behind a gateway with every cache off.
import type { GatewayConfig } from "../../../gateway/config.ts";
import type { Gateway } from "../../../gateway/createGateway.ts";
import type { GatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { type LogCapture, startTestGateway } from "../../support/gateway.ts";
import { CACHE_CONTROL_SDL, ToySubgraph, writeSupergraph } from "../../support/toySubgraph.ts";

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

export const placesSubgraph = () => new ToySubgraph("places", PLACES_SDL, placesResolvers);
export const statsSubgraph = () => new ToySubgraph("stats", STATS_SDL, statsResolvers);

export interface TestStack {
  gateway: Gateway;
  url: string;
  origin: string;
  /** The ops listener (/metrics, detailed /ready, /ops/purge), on a free loopback port. */
  opsOrigin: string;
  config: GatewayConfig;
  metrics: GatewayMetrics;
  logs: LogCapture;
  subgraphs: ToySubgraph[];
  supergraphPath: string;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the given subgraphs, writes their supergraph to a temp file and starts a gateway on port 0. */
export async function startStack(
  options: { env?: Record<string, string>; subgraphs?: ToySubgraph[] } = {},
): Promise<TestStack> {
  const subgraphs = options.subgraphs ?? [placesSubgraph(), statsSubgraph()];
  for (const subgraph of subgraphs) await subgraph.start();
  const supergraph = await writeSupergraph(subgraphs);
  const gateway = await startTestGateway({
    env: {
      OPS_PORT: "0",
      SUPERGRAPH_PATH: supergraph.path,
      LOG_LEVEL: "info",
      INTERNAL_CONTEXT_SECRET: "test-secret",
      // These suites are about serving, limits and resilience: every answer must come from the subgraphs.
      RESPONSE_CACHE: "off",
      ENTITY_CACHE: "off",
      DEDUP: "off",
      ...options.env,
    },
  });
  return {
    ...gateway,
    opsOrigin: gateway.opsOrigin!,
    subgraphs,
    supergraphPath: supergraph.path,
    async stop() {
      await gateway.stop();
      for (const subgraph of subgraphs) await subgraph.stop();
      await supergraph.remove();
    },
  };
}
