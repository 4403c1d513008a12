import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApolloServer, HeaderMap } from "@apollo/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { GatewayContext } from "../../../gateway/context.ts";
import type { GatewayLimits } from "../../../gateway/demandControl/limits.ts";
import { createHttpHandler } from "../../../gateway/http/server.ts";
import type { OpsEndpoints } from "../../../gateway/ops/opsEndpoints.ts";
import { createCachedResponseReader } from "../../../gateway/responseCache/responseCache.ts";
import { ANONYMOUS, responseLayerHolding } from "../../support/storedAnswer.ts";

const QUERY = 'query ProvinceDashboard { province(code: "40") { name } }';
const HASH = createHash("sha256").update(QUERY).digest("hex");
const ANSWER = '{"data":{"province":{"name":"Nghệ An"}}}';
const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: HASH } });
const PREFLIGHT = { "apollo-require-preflight": "true" };

/**
 * The HTTP edge with a response cache holding the answer to QUERY, APQ knowing QUERY by its hash, and an Apollo Server
 * that only counts what reaches it: what the edge answers itself never gets there.
 */
describe("the HTTP edge's response cache, for persisted queries and GETs", () => {
  let server: Server;
  let origin = "";
  const reachedApollo = vi.fn();

  beforeAll(async () => {
    const now = Date.now();
    const entry = { kind: "response", body: ANSWER, operationName: "ProvinceDashboard", scope: "PUBLIC" };
    const { store, version, metrics, logger } = await responseLayerHolding(QUERY, null, {
      ...entry,
      expiresAt: now + 60_000,
      storedAt: now,
      cacheTag: "province:40",
    });
    const apollo = {
      async executeHTTPGraphQLRequest() {
        reachedApollo();
        return {
          status: 400,
          headers: new HeaderMap([["content-type", "application/json"]]),
          body: { kind: "complete", string: '{"errors":[{"message":"answered by Apollo Server"}]}' },
        };
      },
    } as unknown as ApolloServer<GatewayContext>;
    const handler = createHttpHandler({
      apollo,
      logger,
      metrics,
      limits: { checkBatchSize: () => null } as unknown as GatewayLimits,
      maxBodyBytes: 100_000,
      resolveCaller: async () => ANONYMOUS,
      ops: {} as OpsEndpoints,
      landingPage: async () => "",
      routes: [],
      cachedResponses: createCachedResponseReader({
        enabled: true,
        store,
        version,
        metrics,
        refresher: () => {},
        persistedQueryText: async (hash) => (hash === HASH ? QUERY : null),
      }),
      edgeDedup: null,
      traceRequest: null,
    });
    server = createServer((request, response) => void handler(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => reachedApollo.mockClear());

  const get = (params: Record<string, string>, headers: Record<string, string> = PREFLIGHT) =>
    fetch(`${origin}/graphql?${new URLSearchParams(params)}`, { headers });
  const post = (body: unknown) =>
    fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("answers a persisted query's hash, by GET or POST, with the stored bytes and headers", async () => {
    for (const response of [
      await get({ extensions }),
      await post({ extensions: JSON.parse(extensions) }),
      await get({ query: QUERY }),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get("x-cache")).toBe("HIT");
      expect(response.headers.get("cache-tag")).toBe("province:40");
      expect(response.headers.get("cache-control")).toMatch(/^max-age=(59|60), public$/);
      expect(await response.text()).toBe(ANSWER);
    }
    expect(reachedApollo).not.toHaveBeenCalled();
  });

  it("leaves to Apollo Server a GET without a preflight header, an unknown hash, a registration and bad JSON", async () => {
    await get({ extensions }, {});
    await get({ extensions: extensions.replace(HASH, "0".repeat(64)) });
    await post({ query: QUERY, extensions: JSON.parse(extensions) });
    await get({ extensions, variables: "{not json" });
    await get({ extensions: JSON.stringify({ persistedQuery: { version: 2, sha256Hash: HASH } }) });
    expect(reachedApollo).toHaveBeenCalledTimes(5);
  });
});
