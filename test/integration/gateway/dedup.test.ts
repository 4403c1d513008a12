// Inbound deduplication of identical concurrent operations: on a toy federation (per visibility class, and off when
// switched off), at the HTTP edge (followers written the leader's bytes, with their own request ids; PRIVATE answers,
// mutations and APQ), and over the real subgraphs, where 50 identical dashboards in flight at once cost the subgraphs
// what one dashboard costs, as counted on the wire in front of each subgraph.
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ANONYMOUS, type Caller } from "../../../common/caller.ts";
import { startTestGateway, type TestGateway } from "../../support/gateway.ts";
import { readOperation, type Stack, SUBGRAPH_NAMES, startStack } from "../../support/stack.ts";
import { type StackRecorders, startStackRecorders } from "../../support/subgraphRecorder.ts";
import {
  CACHE_CONTROL_SDL,
  type SupergraphFile,
  ToySubgraph,
  writeSupergraph,
} from "../../support/toySubgraph.ts";
import {
  type CacheGateway,
  type CacheSubgraphs,
  startCacheGateway,
  startCacheSubgraphs,
} from "./cacheStack.fixture.ts";

const QUERY = '{ province(code: "40") { code name } }';
const analyst: Caller = { sub: "analyst-1", scopes: ["population:read"], province: "40", commune: null };

const CONCURRENT = 50;

describe("on a toy federation", () => {
  let subgraphs: CacheSubgraphs;
  let gateway: CacheGateway | null = null;

  beforeAll(async () => {
    subgraphs = await startCacheSubgraphs();
    subgraphs.units.delayMs = 150;
  });
  afterAll(() => subgraphs.stop());
  beforeEach(() => subgraphs.reset());
  afterEach(async () => {
    await gateway?.stop();
    gateway = null;
  });

  it("makes 50 concurrent identical requests cause one subgraph execution", async () => {
    gateway = await startCacheGateway(subgraphs);
    const gw = gateway;
    const responses = await Promise.all(Array.from({ length: 50 }, () => gw.query(QUERY)));
    expect(subgraphs.units.queries).toHaveLength(1);
    for (const response of responses) {
      expect(response.body).toEqual({ data: { province: { code: "40", name: "Nghệ An" } } });
    }
    // On a busy machine the last requests may arrive after the leader has answered: the response cache has them.
    const misses = responses.filter((response) => response.xCache === "MISS").length;
    expect(responses.filter((response) => response.xCache === "HIT")).toHaveLength(50 - misses);
    expect((await gw.metrics.dedupJoins.get()).values[0]?.value).toBe(misses - 1);
  });

  it("executes each of them with DEDUP, RESPONSE_CACHE and FETCH_CACHE off", async () => {
    // The fetch cache shares identical concurrent subgraph calls too: off, so that only dedup is measured.
    gateway = await startCacheGateway(subgraphs, {
      env: { DEDUP: "off", RESPONSE_CACHE: "off", FETCH_CACHE: "off" },
    });
    const gw = gateway;
    await Promise.all(Array.from({ length: 10 }, () => gw.query(QUERY)));
    expect(subgraphs.units.queries).toHaveLength(10);
  });

  it("never shares an execution between visibility classes", async () => {
    gateway = await startCacheGateway(subgraphs);
    const gw = gateway;
    await Promise.all([
      gw.query(QUERY),
      gw.query(QUERY, { caller: analyst }),
      gw.query(QUERY),
      gw.query(QUERY, { caller: analyst }),
    ]);
    expect(subgraphs.units.queries).toHaveLength(2);
  });
});

describe("at the HTTP edge", () => {
  const SECRET = "edge-dedup-test-secret";
  const CALLER_HEADER = "x-test-caller";
  const alice: Caller = { sub: "alice", scopes: [], province: "40", commune: null };
  const bob: Caller = { ...alice, sub: "bob" };
  const provinces: Record<string, string> = { "40": "Nghệ An", "01": "Hà Nội" };
  let touches = 0;
  const subgraph = new ToySubgraph(
    "units",
    `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      ${CACHE_CONTROL_SDL}
      type Query {
        province(code: ID!): Province @cacheControl(maxAge: 60)
        whoami: String @cacheControl(maxAge: 30, scope: PRIVATE)
      }
      type Mutation { touch: Int }
      type Province @key(fields: "code") @cacheControl(maxAge: 60) { code: ID! name: String! }
    `,
    {
      Query: {
        province: (_: unknown, { code }: { code: string }) => ({ code, name: provinces[code] }),
        whoami: (_: unknown, __: unknown, { caller }: { caller: Caller }) => caller.sub,
      },
      Mutation: { touch: () => ++touches },
    },
    { contextSecret: SECRET },
  );
  let supergraph: SupergraphFile;
  let gateway: TestGateway;

  beforeAll(async () => {
    await subgraph.start();
    // Long enough for every request of a test to arrive while the first is in flight, even on a busy machine.
    subgraph.delayMs = 400;
    supergraph = await writeSupergraph([subgraph]);
    gateway = await startTestGateway({
      // Only dedup stands between the requests and the subgraph.
      env: {
        SUPERGRAPH_PATH: supergraph.path,
        SUPERGRAPH_WATCH: "off",
        LOG_LEVEL: "info",
        INTERNAL_CONTEXT_SECRET: SECRET,
        RESPONSE_CACHE: "off",
        FETCH_CACHE: "off",
        SUBGRAPH_RETRY: "off",
        BREAKER: "off",
      },
      redis: null,
      resolveCaller: async (request) => {
        const header = request.headers[CALLER_HEADER];
        return typeof header === "string" ? (JSON.parse(header) as Caller) : ANONYMOUS;
      },
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await subgraph.stop();
    await supergraph?.remove();
  });
  beforeEach(() => {
    subgraph.reset();
    gateway.logs.lines.length = 0;
  });

  const joins = async () => (await gateway.metrics.dedupJoins.get()).values[0]?.value ?? 0;

  async function post(body: unknown, options: { caller?: Caller; requestId?: string } = {}) {
    const response = await gateway.post(body, {
      ...(options.caller ? { [CALLER_HEADER]: JSON.stringify(options.caller) } : {}),
      ...(options.requestId ? { "x-request-id": options.requestId } : {}),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  it("writes the leader's bytes to every follower, each with its own request id, and logs them as dedup hits", async () => {
    const before = await joins();
    const query = 'query Province { province(code: "40") { code name } }';
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post({ query }, { requestId: `edge-${i}` })),
    );
    expect(subgraph.queries).toHaveLength(1);
    expect(JSON.parse(answers[0]?.text ?? "")).toEqual({
      data: { province: { code: "40", name: "Nghệ An" } },
    });
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(answers[0]?.text);
      expect(answer.headers.get("x-request-id")).toBe(`edge-${i}`);
      expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(answer.headers.get("cache-control")).toBe("max-age=60, stale-while-revalidate=30, public");
      expect(answer.headers.get("x-cache")).toBe("BYPASS");
    });
    expect((await joins()) - before).toBe(19);
    const logged = gateway.logs.lines.filter((line) => line.msg === "graphql request");
    expect(new Set(logged.map((line) => line.requestId)).size).toBe(20);
    const outcomes = logged.map((line) => (line.cache as Record<string, string>).dedup);
    expect(outcomes.filter((outcome) => outcome === "hit")).toHaveLength(19);
    expect(outcomes.filter((outcome) => outcome === "miss")).toHaveLength(1);
    for (const line of logged)
      expect(line).toMatchObject({ operation: "Province", outcome: "ok", status: 200 });
  });

  it("never shares between visibility classes", async () => {
    const query = '{ province(code: "01") { name } }';
    const analyst: Caller = { sub: "analyst-1", scopes: ["population:read"], province: "40", commune: null };
    await Promise.all([
      post({ query }),
      post({ query }, { caller: analyst }),
      post({ query }),
      post({ query }, { caller: analyst }),
    ]);
    expect(subgraph.queries).toHaveLength(2);
  });

  it("gives a PRIVATE answer only to requests of the same caller, never to another caller or an anonymous one", async () => {
    const query = "{ whoami }";
    const [forAlice, forBob, aliceAgain, forAnonymous] = await Promise.all([
      post({ query }, { caller: alice }),
      post({ query }, { caller: bob }),
      post({ query }, { caller: alice }),
      post({ query }),
    ]);
    expect(JSON.parse(forAlice.text)).toEqual({ data: { whoami: "alice" } });
    expect(aliceAgain.text).toBe(forAlice.text);
    expect(JSON.parse(forBob.text)).toEqual({ data: { whoami: "bob" } });
    expect(JSON.parse(forAnonymous.text)).toEqual({ data: { whoami: null } });
    expect(forAlice.headers.get("cache-control")).toBe("no-store");
    expect(subgraph.queries).toHaveLength(3);
  });

  it("never shares a mutation", async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => post({ query: "mutation { touch }" })));
    expect(subgraph.queries).toHaveLength(5);
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(5);
  });

  it("leaves APQ bodies to Apollo Server, whose dedup shares them once, counted once", async () => {
    const before = await joins();
    const query = '{ province(code: "40") { code } }';
    const sha256Hash = createHash("sha256").update(query).digest("hex");
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post({ query, extensions })));
    for (const answer of answers)
      expect(JSON.parse(answer.text)).toEqual({ data: { province: { code: "40" } } });
    expect(subgraph.queries).toHaveLength(1);
    expect((await joins()) - before).toBe(4);
    // Registered as usual: the hash alone is enough now.
    const byHash = await post({ extensions });
    expect(JSON.parse(byHash.text)).toEqual({ data: { province: { code: "40" } } });
  });
});

describe("over the whole stack", () => {
  let stack: Stack;
  let recording: StackRecorders;

  beforeAll(async () => {
    stack = await startStack();
    recording = await startStackRecorders(stack.subgraphs);
  });

  afterAll(async () => {
    await recording?.stop();
    await stack?.stop();
  });

  const fetchesPerSubgraph = () =>
    Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, recording.recorders[name].fetches.length]));

  it(`${CONCURRENT} concurrent identical ProvinceDashboard requests cause one execution in the subgraphs`, async () => {
    // Only dedup stands between the requests and the subgraphs: no response or entity cache to absorb repeats.
    const gateway = await stack.startGateway({
      RESPONSE_CACHE: "off",
      ENTITY_CACHE: "off",
      ...recording.gatewayEnv,
    });
    const dashboard = await readOperation("ProvinceDashboard");
    const alone = await gateway.query(dashboard, { code: "40" });
    expect(alone.errors).toBeUndefined();
    const oneExecution = fetchesPerSubgraph();
    expect(Object.values(oneExecution).every((count) => count > 0)).toBe(true);
    recording.clear();

    // A slow platform (and no cached records) keeps the leader in flight while the others arrive.
    await stack.flushRecordCaches();
    await stack.sandbox.setFaults({ latencyMs: 200 });
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, () => gateway.query(dashboard, { code: "40" })),
    );
    await stack.sandbox.setFaults({ latencyMs: 0 });

    expect(fetchesPerSubgraph()).toEqual(oneExecution);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(alone.data);
    }
    expect(await gateway.metric("lienthong_gateway_dedup_joins_total")).toBe(CONCURRENT - 1);
  });
});
