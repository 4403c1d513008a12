import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badUserInput } from "../../../common/errors.ts";
import { CALLER_CONTEXT_HEADER, signCallerContext } from "../../../common/signedContext.ts";
import { loadSubgraphConfig } from "../../../subgraphs/kit/config.ts";
import type { SubgraphContext } from "../../../subgraphs/kit/context.ts";
import { createSubgraphDeps, type SubgraphRuntime } from "../../../subgraphs/kit/runtime.ts";
import { createSubgraphServer, type SubgraphServer } from "../../../subgraphs/kit/server.ts";

interface GraphQLErrorJson {
  message: string;
  path: string[];
  extensions: Record<string, unknown>;
}

const SECRET = "server-test-secret-0123456789";

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Query { unit: Unit  person: Person  whoami: String  boom: String  picky: String  slow: String }
  type Unit @key(fields: "code") @cacheControl(maxAge: 60) { code: ID! }
  type Person @cacheControl(maxAge: 30, scope: PRIVATE) { name: String! }
`);

const resolvers = {
  Query: {
    unit: () => ({ code: "40" }),
    person: () => ({ name: "N" }),
    whoami: (_: unknown, __: unknown, ctx: SubgraphContext) => `${ctx.caller.sub}@${ctx.caller.province}`,
    boom: () => {
      throw new Error("connection string postgres://user:pw@db/x failed");
    },
    slow: async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return "done";
    },
    picky: () => {
      throw badUserInput("picky: not today");
    },
  },
  Unit: { __resolveReference: (ref: { code: string }) => ref },
};

describe("subgraph server", () => {
  let runtime: SubgraphRuntime;
  let server: SubgraphServer;
  let base: string;
  const context = () =>
    signCallerContext({ sub: "tester", scopes: [], province: "40", commune: null }, SECRET);

  async function post(
    body: unknown,
    headers: Record<string, string> = { [CALLER_CONTEXT_HEADER]: context() },
  ) {
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return {
      response,
      json: (await response.json()) as { data?: Record<string, unknown>; errors?: GraphQLErrorJson[] },
    };
  }

  beforeAll(async () => {
    const config = loadSubgraphConfig("population", {
      POPULATION_PORT: "0",
      INTERNAL_CONTEXT_SECRET: SECRET,
      LOG_LEVEL: "silent",
    });
    runtime = createSubgraphDeps(config);
    server = createSubgraphServer({ name: "test", typeDefs, resolvers, config, deps: runtime.deps });
    const { port } = await server.start();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server.stop();
    await runtime.close();
  });

  it("answers /health and /metrics", async () => {
    const health = await fetch(`${base}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain("lienthong_process_cpu_user_seconds_total");
    expect(metrics).toContain('subgraph="population"');
  });

  it("refuses a request without a caller context with 401", async () => {
    const { response, json } = await post({ query: "{ whoami }" }, {});
    expect(response.status).toBe(401);
    expect(json.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a badly signed caller context with 403", async () => {
    const forged = signCallerContext(
      { sub: "x", scopes: [], province: null, commune: null },
      "not-the-secret-at-all-0",
    );
    const { response, json } = await post({ query: "{ whoami }" }, { [CALLER_CONTEXT_HEADER]: forged });
    expect(response.status).toBe(403);
    expect(json.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
  });

  it("passes the verified caller to resolvers and echoes the request id", async () => {
    const { response, json } = await post(
      { query: "{ whoami }" },
      {
        [CALLER_CONTEXT_HEADER]: context(),
        "x-request-id": "req-123",
      },
    );
    expect(json.data).toEqual({ whoami: "tester@40" });
    expect(response.headers.get("x-request-id")).toBe("req-123");
  });

  it("sends Cache-Control computed from the @cacheControl hints", async () => {
    expect((await post({ query: "{ unit { code } }" })).response.headers.get("cache-control")).toBe(
      "max-age=60, public",
    );
    expect(
      (await post({ query: "{ unit { code } person { name } }" })).response.headers.get("cache-control"),
    ).toBe("max-age=30, private");
    const entities = await post({
      query: "query($r: [_Any!]!) { _entities(representations: $r) { ... on Unit { code } } }",
      variables: { r: [{ __typename: "Unit", code: "40" }] },
    });
    expect(entities.json.data).toEqual({ _entities: [{ code: "40" }] });
    expect(entities.response.headers.get("cache-control")).toBe("max-age=60, public");
  });

  it("masks internal errors and keeps deliberate ones", async () => {
    const { json } = await post({ query: "{ boom picky }" });
    const byPath = Object.fromEntries((json.errors ?? []).map((e) => [e.path[0], e]));
    expect(byPath.boom).toEqual({
      message: "Internal server error",
      locations: [{ line: 1, column: 3 }],
      path: ["boom"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(byPath.picky.message).toBe("picky: not today");
    expect(byPath.picky.extensions).toEqual({ code: "BAD_USER_INPUT" });
  });

  it("answers malformed JSON with 400, not a crash", async () => {
    const { response, json } = await post("{not json");
    expect(response.status).toBe(400);
    expect(json.errors?.[0]?.extensions.code).toBe("BAD_REQUEST");
  });

  it("finishes requests in flight when stopped, then refuses new connections", async () => {
    const config = loadSubgraphConfig("population", { POPULATION_PORT: "0", LOG_LEVEL: "silent" });
    const local = createSubgraphDeps(config);
    const stopping = createSubgraphServer({ name: "test", typeDefs, resolvers, config, deps: local.deps });
    const { url } = await stopping.start();
    const inFlight = fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ slow }" }),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await stopping.stop();
    expect(await (await inFlight).json()).toEqual({ data: { slow: "done" } });
    await expect(fetch(url.replace("/graphql", "/health"))).rejects.toThrow();
    await local.close();
  });
});
