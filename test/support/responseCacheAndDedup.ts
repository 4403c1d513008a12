import { ApolloServer } from "@apollo/server";
import { pino } from "pino";
import type { Caller } from "../../common/caller.ts";
import { createCacheVersion } from "../../gateway/cacheStore/cacheVersion.ts";
import { type CacheStore, createCacheStore } from "../../gateway/cacheStore/store.ts";
import { createGatewayContext, type GatewayContext } from "../../gateway/context.ts";
import { createInboundDedupPlugin } from "../../gateway/dedup/inboundDedup.ts";
import { createGatewayMetrics } from "../../gateway/observability/metrics.ts";
import { createResponseCachePlugin } from "../../gateway/responseCache/responseCache.ts";
import { createStaleRefresher, type StaleRefresher } from "../../gateway/responseCache/staleRefresher.ts";

const logger = pino({ level: "silent" });

// A plain (non-federated) schema whose cache hints Apollo's cache-control plugin turns into the overall policy,
// exactly what the gateway's data source does with subgraph hints.
const typeDefs = `#graphql
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT
  type Query {
    province(code: ID!): String @cacheControl(maxAge: 60)
    me: String @cacheControl(maxAge: 30, scope: PRIVATE)
    uncached: String
    failing: String @cacheControl(maxAge: 60)
  }
  type Mutation { bump: Int }
`;

export const anonymous: Caller = { sub: null, scopes: [], province: null, commune: null };

/** The gateway's refresher of stale answers, running them through `server()` as createGateway runs them. */
export function executeOperationRefresher(
  server: () => ApolloServer<GatewayContext>,
  store: CacheStore,
): StaleRefresher {
  return createStaleRefresher({
    execute: async ({ query, variables, operationName }, contextValue) => {
      await server().executeOperation(
        { query, variables, operationName: operationName ?? undefined },
        { contextValue },
      );
    },
    store,
    logger,
    concurrency: 1,
    queueLimit: 10,
  });
}

export function createTestServer(options: { responseCache: boolean; dedup: boolean; delayMs?: number }) {
  const executions: Record<string, number> = {};
  const metrics = createGatewayMetrics();
  const store = createCacheStore({ redis: null, layer: "response", maxEntries: 100, metrics, logger });
  const version = createCacheVersion({});
  const count = async (field: string) => {
    executions[field] = (executions[field] ?? 0) + 1;
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  };
  const server: ApolloServer<GatewayContext> = new ApolloServer<GatewayContext>({
    typeDefs,
    resolvers: {
      Query: {
        province: async (_: unknown, { code }: { code: string }) => {
          await count("province");
          return `province ${code}`;
        },
        me: async (_: unknown, __: unknown, context: GatewayContext) => {
          await count("me");
          return context.caller.sub;
        },
        uncached: async () => {
          await count("uncached");
          return "fresh";
        },
        failing: async () => {
          await count("failing");
          throw new Error("boom");
        },
      },
      Mutation: {
        bump: async () => {
          await count("bump");
          return executions.bump;
        },
      },
    },
    plugins: [
      version.plugin,
      createResponseCachePlugin({
        enabled: options.responseCache,
        store,
        version,
        metrics,
        refresher: executeOperationRefresher(() => server, store),
      }),
      ...(options.dedup ? [createInboundDedupPlugin({ version, metrics, maxWaitMs: 5000 })] : []),
    ],
  });

  async function run(query: string, caller: Caller = anonymous, variables?: Record<string, unknown>) {
    const contextValue = createGatewayContext({ requestId: "r", caller, logger });
    const response = await server.executeOperation({ query, variables }, { contextValue });
    if (response.body.kind !== "single") throw new Error("expected a single result");
    return {
      xCache: response.http.headers.get("x-cache"),
      result: response.body.singleResult,
      outcomes: contextValue.cacheOutcomes,
    };
  }

  return { server, run, executions, metrics };
}
