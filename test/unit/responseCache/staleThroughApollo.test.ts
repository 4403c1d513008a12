// A stale answer served through Apollo Server (GET, APQ: the requests the HTTP edge leaves to it) tells the client
// what the edge would: max-age=0, the window left and Age; every request past freshness gets it at once, the one that
// wins the lock included, while one background refresh runs; and a refresh that stores nothing frees its lock at once.
import { ApolloServer } from "@apollo/server";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createCacheVersion } from "../../../gateway/cacheStore/cacheVersion.ts";
import { type CacheStore, createCacheStore } from "../../../gateway/cacheStore/store.ts";
import { createGatewayContext, type GatewayContext } from "../../../gateway/context.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { createCacheControlHeaderPlugin } from "../../../gateway/responseCache/cacheControlHeader.ts";
import { createResponseCachePlugin } from "../../../gateway/responseCache/responseCache.ts";
import { anonymous, executeOperationRefresher } from "../../support/responseCacheAndDedup.ts";

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
  const server: ApolloServer<GatewayContext> = new ApolloServer<GatewayContext>({
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
        refresher: executeOperationRefresher(() => server, store),
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pastFreshness = () => sleep(2100);
/** Lets a detached refresh run and its store write (or lock release) land. */
const refreshDone = () => sleep(100);

describe("stale-while-revalidate through Apollo Server", () => {
  let stop: () => Promise<void> = async () => {};
  afterEach(() => stop());

  it("serves a stale answer with max-age=0, the window left and its Age, not no-store", async () => {
    const { server, run, state } = startServer();
    stop = () => server.stop();
    const cold = await run();
    expect(cold.cacheControl).toBe(`max-age=1, stale-while-revalidate=${WINDOW_SECONDS}, public`);
    await pastFreshness();
    // Two at once past freshness: both are served the stale answer; the one that won the lock started the refresh.
    const burst = await Promise.all([run(), run()]);
    for (const stale of burst) {
      expect(stale.xCache).toBe("HIT");
      expect(stale.data).toEqual(cold.data);
      expect(stale.cacheControl).toMatch(/^max-age=0, stale-while-revalidate=(2[89]|30), public$/);
      expect(Number(stale.age)).toBeGreaterThanOrEqual(2);
    }
    await refreshDone();
    expect(state.executions).toBe(2);
    const fresh = await run();
    expect(fresh.xCache).toBe("HIT");
    expect(fresh.age).toBe("0");
    expect(fresh.data).not.toEqual(cold.data);
    expect(state.executions).toBe(2);
  }, 20_000);

  it("frees the lock of a refresh that failed, so the next request refreshes at once", async () => {
    const { server, run, state } = startServer();
    stop = () => server.stop();
    const cold = await run();
    await pastFreshness();
    state.failing = true;
    const servedWhileFailing = await run();
    expect(servedWhileFailing).toMatchObject({ xCache: "HIT", data: cold.data });
    await refreshDone();
    expect(state.executions).toBe(2);
    state.failing = false;
    // The failed refresh freed its lock: the next request past freshness starts another, which stores.
    const servedWhileRetrying = await run();
    expect(servedWhileRetrying).toMatchObject({ xCache: "HIT", data: cold.data });
    await refreshDone();
    expect(state.executions).toBe(3);
    const fresh = await run();
    expect(fresh.xCache).toBe("HIT");
    expect(fresh.data).not.toEqual(cold.data);
    expect(state.executions).toBe(3);
  }, 20_000);
});
