import { parse } from "graphql";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { badUserInput } from "../../../common/errors.ts";
import { CALLER_CONTEXT_HEADER, deriveContextKey, signCallerContext } from "../../../common/signedContext.ts";
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
  extend schema @link(
    url: "https://specs.apollo.dev/federation/v2.7"
    import: ["@key", { name: "@requiresScopes", as: "@scopes" }, "@authenticated"]
  )
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Query {
    unit: Unit  person: Person  whoami: String  requestId: String  boom: String  picky: String  slow: String
    resident(id: ID!): Resident
    signedIn: String @authenticated
  }
  type Unit @key(fields: "code") @cacheControl(maxAge: 60) { code: ID! }
  type Person @cacheControl(maxAge: 30, scope: PRIVATE) { name: String! }
  type Resident @key(fields: "id") @scopes(scopes: [["population:read"]]) {
    id: ID! @scopes(scopes: [["population:pii"]])
    name: String!
    secretNote: String @scopes(scopes: [["population:pii"]])
  }
`);

const resolvers = {
  Query: {
    unit: () => ({ code: "40" }),
    person: () => ({ name: "N" }),
    whoami: (_: unknown, __: unknown, ctx: SubgraphContext) => `${ctx.caller.sub}@${ctx.caller.province}`,
    requestId: (_: unknown, __: unknown, ctx: SubgraphContext) => ctx.requestId,
    resident: (_: unknown, { id }: { id: string }) => ({ id, name: "N", secretNote: "s" }),
    signedIn: () => "yes",
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
  Resident: { __resolveReference: (ref: { id: string }) => ({ ...ref, name: "N", secretNote: "s" }) },
};

const TESTER: Caller = { sub: "tester", scopes: [], province: "40", commune: null };

describe("subgraph server", () => {
  let runtime: SubgraphRuntime;
  let server: SubgraphServer;
  let base: string;
  const key = deriveContextKey(SECRET, "population");
  const context = (
    body: string,
    options: { caller?: Partial<Caller>; audience?: string; at?: number; requestId?: string } = {},
  ) =>
    signCallerContext(
      { ...TESTER, ...options.caller },
      { audience: options.audience ?? "population", requestId: options.requestId ?? "req-signed", body },
      options.audience ? deriveContextKey(SECRET, options.audience) : key,
      options.at,
    );

  /** POSTs `body`, by default with a context signed for exactly it; `headers` replace that context. */
  async function post(body: unknown, headers?: Record<string, string>, caller?: Partial<Caller>) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(headers ?? { [CALLER_CONTEXT_HEADER]: context(text, { caller }) }),
      },
      body: text,
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
    expect(metrics).toMatch(/^process_cpu_user_seconds_total\{subgraph="population"\} \d/m);
    expect(metrics).toMatch(/^nodejs_heap_size_used_bytes\{subgraph="population"\} \d/m);
    expect(metrics).toContain('subgraph="population"');
  });

  it("refuses a request without a caller context with 401, under a code the gateway masks", async () => {
    const { response, json } = await post({ query: "{ whoami }" }, {});
    expect(response.status).toBe(401);
    expect(json.errors?.[0]?.extensions.code).toBe("CALLER_CONTEXT_REJECTED");
  });

  it("refuses with 403 a context that is forged, for another subgraph, for another body, or expired", async () => {
    const body = JSON.stringify({ query: "{ whoami }" });
    const forged = signCallerContext(
      TESTER,
      { audience: "population", requestId: "r", body },
      deriveContextKey("not-the-secret-at-all-0", "population"),
    );
    const headers = [
      forged,
      context(body, { audience: "business" }),
      context(JSON.stringify({ query: "{ requestId }" })),
      context(body, { at: Date.now() - 30_000 }),
    ];
    for (const header of headers) {
      const { response, json } = await post(body, { [CALLER_CONTEXT_HEADER]: header });
      expect(response.status).toBe(403);
      expect(json.errors?.[0]?.extensions.code).toBe("CALLER_CONTEXT_REJECTED");
    }
    expect((await post(body, { [CALLER_CONTEXT_HEADER]: context(body) })).json.data).toEqual({
      whoami: "tester@40",
    });
  });

  it("passes the verified caller to resolvers and uses the signed request id, not the wire's", async () => {
    const body = JSON.stringify({ query: "{ whoami requestId }" });
    const { response, json } = await post(body, {
      [CALLER_CONTEXT_HEADER]: context(body, { requestId: "req-123" }),
      "x-request-id": "req-forged-on-the-wire",
    });
    expect(json.data).toEqual({ whoami: "tester@40", requestId: "req-123" });
    expect(response.headers.get("x-request-id")).toBe("req-123");
  });

  it("sends an answer with its length in UTF-8 bytes, not in chunks", async () => {
    const body = JSON.stringify({ query: "{ whoami }" });
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [CALLER_CONTEXT_HEADER]: context(body, { caller: { sub: "Nguyễn Văn Ánh" } }),
      },
      body,
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(JSON.parse(bytes.toString("utf8"))).toEqual({ data: { whoami: "Nguyễn Văn Ánh@40" } });
    expect(response.headers.get("content-length")).toBe(String(bytes.byteLength));
    expect(response.headers.get("transfer-encoding")).toBeNull();
  });

  it("re-checks @requiresScopes / @authenticated of its own SDL for the verified caller", async () => {
    const query = '{ resident(id: "1") { name secretNote } signedIn }';
    const reader = await post({ query }, undefined, { scopes: ["population:read"] });
    expect(reader.json.data).toEqual({ resident: { name: "N", secretNote: null }, signedIn: "yes" });
    expect(reader.json.errors).toEqual([
      expect.objectContaining({
        path: ["resident", "secretNote"],
        extensions: { code: "UNAUTHORIZED" },
        message: "Unauthorized: Resident.secretNote requires scope (population:pii) and (population:read)",
      }),
    ]);

    const unscoped = await post({ query }, undefined, { scopes: [] });
    expect(unscoped.json.data).toEqual({ resident: null, signedIn: "yes" });
    expect(unscoped.json.errors?.map((e) => [e.path.join("."), e.extensions.code])).toEqual([
      ["resident", "UNAUTHORIZED"],
    ]);

    const anonymous = await post({ query }, undefined, { sub: null, scopes: ["population:read"] });
    expect(anonymous.json.data).toEqual({ resident: null, signedIn: null });
    expect(anonymous.json.errors?.map((e) => e.extensions.code)).toEqual([
      "UNAUTHENTICATED",
      "UNAUTHENTICATED",
    ]);
  });

  it("answers entity key fields the gateway joins on with the type's scope only", async () => {
    const entities = {
      query: "query($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { id name } } }",
      variables: { r: [{ __typename: "Resident", id: "7" }] },
    };
    const reader = await post(entities, undefined, { scopes: ["population:read"] });
    expect(reader.json).toEqual({ data: { _entities: [{ id: "7", name: "N" }] } });
    const unscoped = await post(entities, undefined, { scopes: [] });
    expect(unscoped.json.data).toEqual({ _entities: [null] });
    expect(unscoped.json.errors?.[0]?.extensions.code).toBe("UNAUTHORIZED");
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

  it("serves without a key only in development, as the anonymous caller, and says so once", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const config = loadSubgraphConfig("population", { POPULATION_PORT: "0", LOG_LEVEL: "silent" });
    const local = createSubgraphDeps(config);
    const unsigned = createSubgraphServer({
      name: "test",
      typeDefs,
      resolvers,
      config,
      deps: { ...local.deps, logger },
    });
    const { url } = await unsigned.start();
    for (let i = 0; i < 2; i++) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: '{ whoami resident(id: "1") { name } }' }),
      });
      const json = (await response.json()) as { data: unknown; errors: GraphQLErrorJson[] };
      expect(json.data).toEqual({ whoami: "null@null", resident: null });
      expect(json.errors[0]?.extensions.code).toBe("UNAUTHENTICATED");
    }
    await unsigned.stop();
    await local.close();
    const warnings = lines.filter((line) => line.includes("NO CALLER CONTEXT KEY"));
    expect(warnings).toHaveLength(1);
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
