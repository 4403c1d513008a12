import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveContextKey, verifyCallerContext } from "../../../common/signedContext.ts";
import { DEV_JWT_SECRET } from "../../../gateway/authentication/jwt.ts";
import { signToken } from "../../../gateway/authentication/signToken.ts";
import { startStack, type TestStack } from "./fixtures.ts";

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    env: { MAX_DEPTH: "4", MAX_ALIASES: "3", MAX_TOKENS: "80", MAX_COST: "60", MAX_BATCH: "2" },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const PROVINCE_QUERY =
  "query Dashboard($code: ID!) { province(code: $code) { code name population communes { name } } }";

describe("gateway serving", () => {
  it("answers a query spanning both subgraphs, forwarding the request id and a signed caller context", async () => {
    const response = await stack.post(
      { query: PROVINCE_QUERY, variables: { code: "40" }, operationName: "Dashboard" },
      { "x-request-id": "req-serving-1" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-serving-1");
    expect(await response.json()).toEqual({
      data: {
        province: {
          code: "40",
          name: "Nghệ An",
          population: 3_400_000,
          communes: [{ name: "Vinh" }, { name: "Cửa Lò" }],
        },
      },
    });
    for (const subgraph of stack.subgraphs) {
      const received = subgraph.received.find((r) => r.headers["x-request-id"] === "req-serving-1");
      expect(received, subgraph.name).toBeDefined();
      const header = received?.headers["x-lienthong-context"];
      const key = deriveContextKey("test-secret", subgraph.name);
      const verified = verifyCallerContext(
        String(header),
        { audience: subgraph.name, body: received!.raw },
        key,
      );
      expect(verified).toMatchObject({ caller: { sub: null, scopes: [] }, requestId: "req-serving-1" });
    }
  });

  it("sends a Vietnamese answer whole, its Content-Length counting UTF-8 bytes rather than characters", async () => {
    const response = await stack.post({ query: PROVINCE_QUERY, variables: { code: "40" } });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get("content-length"))).toBe(bytes.length);
    const text = bytes.toString("utf8");
    expect(bytes.length).toBeGreaterThan(text.length);
    expect(JSON.parse(text).data.province.communes).toEqual([{ name: "Vinh" }, { name: "Cửa Lò" }]);
  });

  it("generates a request id when the client sends none (or an unusable one)", async () => {
    const response = await stack.post(
      { query: "{ provinces { code } }" },
      { "x-request-id": "bad id with spaces" },
    );
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves GET per GraphQL-over-HTTP and tells shared caches only about PUBLIC responses", async () => {
    const get = await fetch(`${stack.url}?query=${encodeURIComponent("{ provinces { code } }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(get.status).toBe(200);
    expect((await get.json()).data.provinces).toHaveLength(2);
    expect(get.headers.get("cache-control")).toBe("max-age=60, stale-while-revalidate=30, public");

    const privateAnswer = await stack.post({ query: "{ secretNote }" });
    expect((await privateAnswer.json()).data.secretNote).toBe("for your eyes only");
    expect(privateAnswer.headers.get("cache-control")).toBe("no-store");
  });

  it("blocks a GET mutation and a simple (CSRF-able) request without a preflight header", async () => {
    const mutation = await fetch(`${stack.url}?query=${encodeURIComponent("mutation { touch }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(mutation.status).toBe(405);
    const csrf = await fetch(`${stack.url}?query=${encodeURIComponent("{ provinces { code } }")}`);
    expect(csrf.status).toBe(400);
    expect((await csrf.json()).errors[0].message).toMatch(/Cross-Site Request Forgery/);
  });

  it("masks internal errors: generic message, no stack, no subgraph internals", async () => {
    const response = await stack.post({ query: "{ brokenField provinces { code } }" });
    const body = await response.json();
    expect(body.data.provinces).toHaveLength(2);
    expect(body.errors).toEqual([
      {
        message: "Internal server error",
        path: ["brokenField"],
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/10\.1\.2\.3|citizens|stacktrace/);
  });
});

describe("bad requests", () => {
  const expectBadRequest = async (
    response: Response,
    status: number,
    message: RegExp,
    code = "BAD_REQUEST",
  ) => {
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe(code);
    expect(body.errors[0].message).toMatch(message);
  };

  it("malformed JSON → 400 naming the problem", async () => {
    await expectBadRequest(await stack.post('{"query": "{ provinces { code } }"'), 400, /not valid JSON/);
  });

  it("wrong or missing content type → 415", async () => {
    const response = await fetch(stack.url, {
      method: "POST",
      headers: { "content-type": "application/xml", "apollo-require-preflight": "1" },
      body: "<query/>",
    });
    await expectBadRequest(response, 415, /Content-Type: application\/json \(got application\/xml\)/);
  });

  it("empty body and empty query → 400", async () => {
    await expectBadRequest(await stack.post(""), 400, /body is empty/);
    await expectBadRequest(await stack.post({ query: "" }), 400, /non-empty `query`/);
  });

  it("a body over MAX_BODY_BYTES → 413", async () => {
    const huge = JSON.stringify({ query: `{ provinces { code } } # ${"x".repeat(200 * 1024)}` });
    await expectBadRequest(await stack.post(huge), 413, /MAX_BODY_BYTES=102400/);
  });
});

describe("query limits", () => {
  const expectTooComplex = async (response: Response, message: RegExp) => {
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe("QUERY_TOO_COMPLEX");
    expect(body.errors[0].message).toMatch(message);
    expect(body.data).toBeUndefined();
  };

  it("depth", async () => {
    await expectTooComplex(
      await stack.post({ query: "{ provinces { communes { parent { communes { parent { code } } } } } }" }),
      /^Query depth 6 exceeds the limit MAX_DEPTH=4$/,
    );
  });

  it("depth through fragments", async () => {
    const query =
      "{ provinces { ...P } } fragment P on Province { communes { parent { communes { code } } } }";
    await expectTooComplex(await stack.post({ query }), /MAX_DEPTH=4/);
  });

  it("aliases", async () => {
    await expectTooComplex(
      await stack.post({
        query: "{ a: provinces { code } b: provinces { code } c: provinces { code } d: provinces { code } }",
      }),
      /^4 aliases exceeds the limit MAX_ALIASES=3$/,
    );
  });

  it("tokens, enforced by graphql's parser", async () => {
    const fields = Array.from({ length: 100 }, () => "code").join(" ");
    await expectTooComplex(await stack.post({ query: `{ provinces { ${fields} } }` }), /MAX_TOKENS=80/);
  });

  it("estimated cost with list multipliers", async () => {
    // No @listSize here, so every list assumes COST_LIST_SIZE: provinces ×10 → (Province 1 + communes ×10 × Commune 1)
    await expectTooComplex(
      await stack.post({ query: "{ provinces { communes { name } } }" }),
      /^Estimated query cost 110 exceeds the limit MAX_COST=60$/,
    );
    // leaves weigh nothing (the cost spec's default): 10 × Province 1
    const flat = await stack.post({ query: "{ provinces { code name } }" });
    expect(flat.status).toBe(200);
  });

  it("batched operations", async () => {
    const one = { query: "{ provinces { code } }" };
    const allowed = await stack.post([one, one]);
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toHaveLength(2);
    await expectTooComplex(
      await stack.post([one, one, one]),
      /^A batch of 3 operations exceeds the limit MAX_BATCH=2$/,
    );
  });
});

describe("observability", () => {
  it("logs one line per request with ids, names, outcome, codes and subgraphs but never variable values", async () => {
    const token = await signToken(
      { sub: "012345678999", scopes: ["population:read"], province: "40" },
      { secret: DEV_JWT_SECRET, ttl: "5m" },
    );
    await stack.post(
      { query: PROVINCE_QUERY, variables: { code: "40", note: "012345678901" }, operationName: "Dashboard" },
      { "x-request-id": "req-log-1", authorization: `Bearer ${token}` },
    );
    const lines = stack.logs.lines.filter(
      (line) => line.requestId === "req-log-1" && line.msg === "graphql request",
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      operation: "Dashboard",
      status: 200,
      outcome: "ok",
      errorCodes: [],
      subgraphs: expect.arrayContaining(["places", "stats"]),
    });
    expect(typeof lines[0]?.durationMs).toBe("number");
    const everything = stack.logs.raw.join("\n");
    expect(everything).not.toContain("012345678901");
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split(".")[1]);
    expect(everything).not.toContain("012345678999");
    expect(everything).not.toContain("Nghệ An");
  });

  it("logs refused requests too, with their code", async () => {
    await stack.post("{nope", { "x-request-id": "req-log-2" });
    const line = stack.logs.lines.find((l) => l.requestId === "req-log-2" && l.msg === "graphql request");
    expect(line).toMatchObject({ status: 400, outcome: "rejected", errorCodes: ["BAD_REQUEST"] });

    await stack.post(
      { query: "{ provinces { code } }" },
      { "x-request-id": "req-log-3", authorization: "Bearer nonsense" },
    );
    const unauthenticated = stack.logs.lines.find(
      (l) => l.requestId === "req-log-3" && l.msg === "graphql request",
    );
    expect(unauthenticated).toMatchObject({
      status: 401,
      outcome: "rejected",
      errorCodes: ["UNAUTHENTICATED"],
    });
    expect(stack.logs.raw.join("\n")).not.toContain("nonsense");
  });

  it("exposes lienthong_ metrics on the ops listener, not on the public port", async () => {
    await stack.post({ query: PROVINCE_QUERY, variables: { code: "40" }, operationName: "Dashboard" });
    expect((await fetch(`${stack.origin}/metrics`)).status).toBe(404);
    const response = await fetch(`${stack.opsOrigin}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/lienthong_gateway_requests_total\{operation="Dashboard",outcome="ok"\} \d+/);
    expect(text).toMatch(
      /lienthong_gateway_request_duration_seconds_bucket\{le="[^"]+",operation="Dashboard"/,
    );
    expect(text).toMatch(/lienthong_gateway_subgraph_fetch_duration_seconds_count\{subgraph="stats"\} \d+/);
    expect(text).toMatch(/lienthong_gateway_circuit_breaker_state\{subgraph="places"\} 0/);
    expect(text).toContain("lienthong_gateway_cache_lookups_total");
    expect(text).toContain("lienthong_gateway_dedup_joins_total");
    expect(text).toContain("lienthong_gateway_redis_errors_total");
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it("answers /health, and serves the explorer at / and to browsers at /graphql, with its scripts from here", async () => {
    expect(await (await fetch(`${stack.origin}/health`)).json()).toEqual({ status: "ok" });
    for (const url of [`${stack.origin}/`, stack.url]) {
      const page = await fetch(url, { headers: { accept: "text/html", "x-request-id": "req-page" } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('"endpoint":"/graphql"');
      expect(html).toContain("query ProvinceDashboard");
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
      expect(sources).toEqual(["data:,", "/explorer/assets/explorer.css", "/explorer/assets/explorer.js"]);
    }
    // a page view is not a GraphQL request: no request log line, no request metric
    expect(stack.logs.lines.some((l) => l.requestId === "req-page" && l.msg === "graphql request")).toBe(
      false,
    );
    // The ops listener is for operators' tools: the explorer's assets are not served there.
    expect((await fetch(`${stack.opsOrigin}/explorer/assets/explorer.js`)).status).toBe(404);
    expect((await fetch(`${stack.origin}/explorer/assets/explorer.js`)).status).toBe(200);
  });
});

describe("introspection", () => {
  const INTROSPECT = { query: "{ __schema { queryType { name } } }" };

  it("is on by default outside production", async () => {
    const body = await (await stack.post(INTROSPECT)).json();
    expect(body.data.__schema.queryType.name).toBe("Query");
  });

  it("is refused when switched off (the production default)", async () => {
    const closed = await startStack({ env: { INTROSPECTION: "off" } });
    try {
      const response = await closed.post(INTROSPECT);
      // A validation failure: 200 for an application/json client (GraphQL over HTTP's legacy rule).
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(body.errors[0].message).toMatch(/introspection/i);
      // …and so is the explorer, which needs it: / says so instead.
      const home = await (await fetch(`${closed.origin}/`, { headers: { accept: "text/html" } })).text();
      expect(home).toContain("The explorer is off on this gateway");
      expect(home).not.toMatch(/<script/i);
      expect((await fetch(`${closed.origin}/explorer/assets/explorer.js`)).status).toBe(404);
    } finally {
      await closed.stop();
    }
  });
});
