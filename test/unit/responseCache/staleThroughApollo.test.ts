// A stale answer served through Apollo Server (GET, APQ: the requests the HTTP edge leaves to it) tells the client
// what the edge would: max-age=0, the window left and Age; and a refresh that stores nothing frees its lock at once.
import { ApolloServer } from "@apollo/server";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createCacheVersion } from "../../../gateway/cacheStore/cacheVersion.ts";
import { type CacheStore, createCacheStore } from "../../../gateway/cacheStore/store.ts";
import { createGatewayContext, type GatewayContext } from "../../../gateway/context.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { createCacheControlHeaderPlugin } from "../../../gateway/responseCache/cacheControlHeader.ts";
import { createResponseCachePlugin } from "../../../gateway/responseCache/responseCache.ts";
import { anonymous } from "../../support/responseCacheAndDedup.ts";

const logger = pino({ level: "silent" });
const WINDOW_SECONDS = 30;

const typeDefs = `#graphql
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT
  type Query { board: String @cacheControl(maxAge: 1) }
`;

function startServer() {
  const metrics = createGatewayMetrics();
  const store = createCacheStore({ redis: null, layer: "response", maxEntries: 100, metrics, logger });
  const version = createCacheVersion({});
  const state = { executions: 0, failing: false };
  const server = new ApolloServer<GatewayContext>({
    typeDefs,
    resolvers: {
      Query: {
        board: () => {
          state.executions += 1;
          if (state.failing) throw new Error("platform down");
          return `board ${state.executions}`;
        },
      },
    },
    plugins: [
      version.plugin,
      createCacheControlHeaderPlugin({ staleWhileRevalidateSeconds: WINDOW_SECONDS }),
      createResponseCachePlugin({
        enabled: true,
        store,
        version,
        metrics,
        staleWhileRevalidateSeconds: WINDOW_SECONDS,
      }),
    ],
  });
  async function run() {
    const contextValue = createGatewayContext({ requestId: "r", caller: anonymous, logger });
    const response = await server.executeOperation({ query: "{ board }" }, { contextValue });
    if (response.body.kind !== "single") throw new Error("expected a single result");
    const { headers } = response.http;
    return {
      xCache: headers.get("x-cache"),
      cacheControl: headers.get("cache-control"),
      age: headers.get("age"),
      data: response.body.singleResult.data,
    };
  }
  return { server, run, state, store: store as CacheStore };
}

const pastFreshness = () => new Promise((resolve) => setTimeout(resolve, 2100));

describe("stale-while-revalidate through Apollo Server", () => {
  let stop: () => Promise<void> = async () => {};
  afterEach(() => stop());

  it("serves a stale answer with max-age=0, the window left and its Age, not no-store", async () => {
    const { server, run, state } = startServer();
    stop = () => server.stop();
    const cold = await run();
    expect(cold.cacheControl).toBe(`max-age=1, stale-while-revalidate=${WINDOW_SECONDS}, public`);
    await pastFreshness();
    // Two at once past freshness: one wins the lock and refreshes, the other is served the stale answer.
    const [a, b] = await Promise.all([run(), run()]);
    const stale = [a, b].find((answer) => answer.xCache === "HIT")!;
    expect([a, b].filter((answer) => answer.xCache === "MISS")).toHaveLength(1);
    expect(stale.data).toEqual(cold.data);
    expect(stale.cacheControl).toMatch(/^max-age=0, stale-while-revalidate=(2[89]|30), public$/);
    expect(Number(stale.age)).toBeGreaterThanOrEqual(2);
    expect(state.executions).toBe(2);
  }, 20_000);

  it("frees the lock of a refresh that failed, so the next request refreshes at once", async () => {
    const { server, run, state } = startServer();
    stop = () => server.stop();
    const cold = await run();
    await pastFreshness();
    state.failing = true;
    const failedRefresh = await run();
    expect(failedRefresh.xCache).toBe("MISS");
    expect(failedRefresh.cacheControl).toBe("no-store");
    // Let the detached release reach the store.
    await new Promise((resolve) => setTimeout(resolve, 50));
    state.failing = false;
    const retried = await run();
    expect(retried.xCache).toBe("MISS");
    expect(retried.data).not.toEqual(cold.data);
    const fresh = await run();
    expect(fresh).toMatchObject({ xCache: "HIT", data: retried.data });
    expect(state.executions).toBe(3);
  }, 20_000);
});
