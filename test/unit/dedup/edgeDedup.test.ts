import { ApolloServer } from "@apollo/server";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { createCacheVersion } from "../../../gateway/cacheStore/cacheVersion.ts";
import { createGatewayContext, type GatewayContext } from "../../../gateway/context.ts";
import { createEdgeDedup, type EdgeDedup, type EdgeTurn } from "../../../gateway/dedup/edgeDedup.ts";
import { createInboundDedupPlugin } from "../../../gateway/dedup/inboundDedup.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";

const logger = pino({ level: "silent" });
const alice: Caller = { sub: "alice", scopes: ["population:read"], province: "40", commune: null };
const bob: Caller = { ...alice, sub: "bob" };
const anonymous: Caller = { sub: null, scopes: [], province: null, commune: null };

const PROVINCE = '{ province(code: "40") }';
const JSON_HEADERS: [string, string][] = [
  ["content-type", "application/json; charset=utf-8"],
  ["cache-control", "max-age=60, public"],
  ["x-cache", "BYPASS"],
  // Followers hold the same entities: a CDN purging by tag must find their answers too.
  ["cache-tag", "province:40,commune:40001"],
  ["surrogate-key", "province:40 commune:40001"],
];

function setup(options: { maxWaitMs?: number; version?: () => string } = {}) {
  const metrics = createGatewayMetrics();
  const dedup = createEdgeDedup({
    version: { current: options.version ?? (() => "v1") },
    metrics,
    maxWaitMs: options.maxWaitMs ?? 5000,
  });
  const joins = async () => (await metrics.dedupJoins.get()).values[0]?.value ?? 0;
  return { dedup, joins };
}

const contextFor = (caller: Caller, requestId = "r") => createGatewayContext({ requestId, caller, logger });

function arrive(
  dedup: EdgeDedup,
  caller: Caller,
  body: Record<string, unknown> = { query: PROVINCE },
  accept = "application/json",
) {
  const context = contextFor(caller);
  const text = JSON.stringify(body);
  return { context, turn: dedup.arrive({ body, text, accept }, context) };
}

/** What the dedup plugin and Apollo Server do for a leader: report the sharing policy, then the HTTP result. */
function finish(
  dedup: EdgeDedup,
  context: GatewayContext,
  turn: EdgeTurn | null,
  body: string,
  scope: "PUBLIC" | "PRIVATE" = "PUBLIC",
) {
  if (turn?.kind !== "execute") throw new Error(`expected to execute, got ${turn?.kind}`);
  context.operations.push({ name: "P", outcome: "ok", errorCodes: [] });
  context.cacheOutcomes.response = "bypass";
  dedup.answered(context, { maxAge: 60, scope });
  return turn.settle({
    status: 200,
    headers: [...JSON_HEADERS, ["x-request-id", "leader"]],
    body,
  });
}

describe("edge dedup", () => {
  it("answers followers with the leader's bytes, its content headers and its status, and counts the joins", async () => {
    const { dedup, joins } = setup();
    const leader = arrive(dedup, anonymous);
    const leaderTurn = await leader.turn;
    const followers = Array.from({ length: 3 }, () => arrive(dedup, anonymous));
    const written = finish(dedup, leader.context, leaderTurn, '{"data":{"province":"Nghệ An"}}');

    for (const follower of followers) {
      const turn = await follower.turn;
      if (turn?.kind !== "follow") throw new Error(`expected to follow, got ${turn?.kind}`);
      expect(turn.answer.body).toBe(written);
      expect(turn.answer.body.toString("utf8")).toBe('{"data":{"province":"Nghệ An"}}');
      expect(turn.answer.status).toBe(200);
      // The request id is the follower's own, set before the edge ever sees a shared answer.
      expect(turn.answer.headers).toEqual(JSON_HEADERS);
      expect(follower.context.cacheOutcomes).toMatchObject({ dedup: "hit", response: "bypass" });
      expect(follower.context.operations).toEqual([{ name: "P", outcome: "ok", errorCodes: [] }]);
    }
    expect(leader.context.cacheOutcomes.dedup).toBe("miss");
    expect(await joins()).toBe(3);
  });

  it("runs again once the leader has answered", async () => {
    const { dedup } = setup();
    const first = arrive(dedup, anonymous);
    finish(dedup, first.context, await first.turn, "{}");
    const second = await arrive(dedup, anonymous).turn;
    expect(second?.kind).toBe("execute");
  });

  it("never shares between visibility classes, Accept headers, cache versions or different bodies", async () => {
    let version = "v1";
    const { dedup } = setup({ version: () => version });
    const leader = await arrive(dedup, anonymous).turn;
    expect(leader?.kind).toBe("execute");
    const others = [
      arrive(dedup, alice),
      arrive(dedup, anonymous, { query: PROVINCE }, "application/graphql-response+json"),
      arrive(dedup, anonymous, { query: '{ province(code: "01") }' }),
      arrive(dedup, anonymous, { query: PROVINCE, variables: { unused: 1 } }),
    ];
    version = "v2";
    others.push(arrive(dedup, anonymous));
    for (const other of others) expect((await other.turn)?.kind).toBe("execute");
  });

  it("gives a PRIVATE answer to the same caller only, never to another caller or an anonymous one", async () => {
    const { dedup, joins } = setup();
    const leader = arrive(dedup, alice);
    const leaderTurn = await leader.turn;
    const aliceAgain = arrive(dedup, alice);
    const forBob = arrive(dedup, bob);
    const anon = arrive(dedup, anonymous);
    finish(dedup, leader.context, leaderTurn, '{"data":{"me":"alice"}}', "PRIVATE");

    const aliceTurn = await aliceAgain.turn;
    expect(aliceTurn?.kind === "follow" && aliceTurn.answer.body.toString()).toBe('{"data":{"me":"alice"}}');
    expect((await forBob.turn)?.kind).toBe("execute");
    expect((await anon.turn)?.kind).toBe("execute");
    expect(await joins()).toBe(1);
  });

  it("lets requests of one caller share their own PRIVATE answer after someone else's", async () => {
    const { dedup } = setup();
    const first = arrive(dedup, alice);
    const firstTurn = await first.turn;
    const bob1 = arrive(dedup, bob);
    const bob2 = arrive(dedup, bob);
    finish(dedup, first.context, firstTurn, '{"data":{"me":"alice"}}', "PRIVATE");
    // bob1 leads on bob's own key, bob2 waits for him there.
    const bobLeader = await bob1.turn;
    expect(bobLeader?.kind).toBe("execute");
    finish(dedup, bob1.context, bobLeader, '{"data":{"me":"bob"}}', "PRIVATE");
    const bobFollower = await bob2.turn;
    expect(bobFollower?.kind === "follow" && bobFollower.answer.body.toString()).toBe(
      '{"data":{"me":"bob"}}',
    );
  });

  it("leaves mutations, subscriptions and anything that might be one to Apollo Server", async () => {
    const { dedup } = setup();
    for (const query of [
      "mutation { bump }",
      "subscription { ticks }",
      '{ province(code: "40") } mutation M { bump }',
      '{ province(note: "a mutation in a string") }',
    ]) {
      const { context, turn } = arrive(dedup, anonymous, { query });
      expect(await turn).toBeNull();
      expect(dedup.owns(context)).toBe(false);
    }
  });

  it("leaves APQ, other extensions, malformed fields and batches to Apollo Server", async () => {
    const { dedup } = setup();
    const apq = { persistedQuery: { version: 1, sha256Hash: "abc" } };
    for (const body of [
      { query: PROVINCE, extensions: apq },
      { extensions: apq },
      { query: PROVINCE, variables: [1] },
      { query: PROVINCE, operationName: 3 },
      { query: 42 },
    ]) {
      expect(await arrive(dedup, anonymous, body).turn).toBeNull();
    }
    const batch = [{ query: PROVINCE }];
    const context = contextFor(anonymous);
    expect(
      await dedup.arrive({ body: batch, text: JSON.stringify(batch), accept: undefined }, context),
    ).toBeNull();
  });

  it("lets a follower whose leader hangs execute after the bound, and the next request lead", async () => {
    const { dedup, joins } = setup({ maxWaitMs: 50 });
    const hung = await arrive(dedup, anonymous).turn;
    expect(hung?.kind).toBe("execute");
    const follower = await arrive(dedup, anonymous).turn;
    expect(follower?.kind).toBe("execute");
    const next = arrive(dedup, anonymous);
    const nextTurn = await next.turn;
    expect(nextTurn?.kind).toBe("execute");
    // The late request leads: one arriving now follows it.
    const after = arrive(dedup, anonymous);
    finish(dedup, next.context, nextTurn, "{}");
    expect((await after.turn)?.kind).toBe("follow");
    expect(await joins()).toBe(1);
  });

  it("sends followers off to execute when the leader abandons or never learnt its sharing policy", async () => {
    const { dedup } = setup();
    const leader = await arrive(dedup, anonymous).turn;
    const follower = arrive(dedup, anonymous);
    if (leader?.kind !== "execute") throw new Error("expected to execute");
    leader.abandon();
    expect((await follower.turn)?.kind).toBe("execute");

    const unreported = arrive(dedup, anonymous);
    const unreportedTurn = await unreported.turn;
    const waiting = arrive(dedup, anonymous);
    if (unreportedTurn?.kind !== "execute") throw new Error("expected to execute");
    expect(unreportedTurn.settle({ status: 200, headers: JSON_HEADERS, body: "{}" })).toBe("{}");
    expect((await waiting.turn)?.kind).toBe("execute");
  });
});

describe("edge dedup with the dedup plugin", () => {
  let stop: () => Promise<void> = async () => {};
  afterEach(() => stop());

  function start() {
    const metrics = createGatewayMetrics();
    const version = createCacheVersion({});
    const edge = createEdgeDedup({ version, metrics, maxWaitMs: 5000 });
    const executions: Record<string, number> = {};
    // Resolvers hold until the test opens the gate: requests are in flight exactly as long as a test needs.
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const count = async (field: string) => {
      executions[field] = (executions[field] ?? 0) + 1;
      await gate;
    };
    const executed = async (field: string, times: number, withinMs: number) => {
      for (const deadline = Date.now() + withinMs; Date.now() < deadline; ) {
        if ((executions[field] ?? 0) >= times) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const server = new ApolloServer<GatewayContext>({
      typeDefs: `#graphql
        enum CacheControlScope { PUBLIC PRIVATE }
        directive @cacheControl(maxAge: Int, scope: CacheControlScope) on FIELD_DEFINITION
        type Query {
          province: String @cacheControl(maxAge: 60)
          me: String @cacheControl(maxAge: 30, scope: PRIVATE)
          failing: String @cacheControl(maxAge: 60)
        }
      `,
      resolvers: {
        Query: {
          province: async () => count("province").then(() => "Nghệ An"),
          me: async (_: unknown, __: unknown, context: GatewayContext) =>
            count("me").then(() => context.caller.sub),
          failing: async () => count("failing").then(() => Promise.reject(new Error("boom"))),
        },
      },
      plugins: [version.plugin, createInboundDedupPlugin({ version, metrics, maxWaitMs: 5000, edge })],
    });
    stop = () => server.stop();

    /** A request the edge owns, as serveGraphQL runs it: arrive, execute, settle. */
    async function viaEdge(query: string, caller: Caller) {
      const context = contextFor(caller);
      const turn = await edge.arrive(
        { body: { query }, text: JSON.stringify({ query }), accept: undefined },
        context,
      );
      if (turn?.kind !== "execute") throw new Error(`expected to execute, got ${turn?.kind}`);
      const response = await server.executeOperation({ query }, { contextValue: context });
      if (response.body.kind !== "single") throw new Error("expected a single result");
      const bytes = turn.settle({
        status: 200,
        headers: [],
        body: JSON.stringify(response.body.singleResult),
      });
      return { context, bytes: bytes.toString() };
    }
    const viaPlugin = async (query: string, caller: Caller) => {
      const contextValue = contextFor(caller);
      const response = await server.executeOperation({ query }, { contextValue });
      return { outcomes: contextValue.cacheOutcomes, response };
    };
    return { edge, executions, metrics, viaEdge, viaPlugin, open, executed };
  }

  it("leaves the requests the edge owns to it, so no request is deduplicated twice", async () => {
    const { executions, metrics, viaEdge, viaPlugin, open, executed } = start();
    // The edge-owned request is in its resolver; had the plugin made it a leader, the other request would wait for it.
    const owning = viaEdge("{ province }", anonymous);
    await executed("province", 1, 5000);
    const other = viaPlugin("{ province }", anonymous);
    await executed("province", 2, 500);
    open();
    const owned = await owning;
    const { outcomes } = await other;
    expect(executions.province).toBe(2);
    expect(owned.context.cacheOutcomes.dedup).toBe("miss");
    expect(outcomes.dedup).toBe("miss");
    expect((await metrics.dedupJoins.get()).values[0]?.value ?? 0).toBe(0);
  });

  it("learns from the plugin how each answer may be shared: PUBLIC with the class, PRIVATE and errors with the caller", async () => {
    const { edge, viaEdge, open } = start();
    open();
    const cases = [
      { query: "{ province }", forBob: "follow" },
      { query: "{ me }", forBob: "execute" },
      { query: "{ failing }", forBob: "execute" },
    ];
    for (const { query, forBob } of cases) {
      // Alice leads and Bob waits, both before Alice's request reaches Apollo Server.
      const leading = viaEdge(query, alice);
      const bobTurn = edge.arrive(
        { body: { query }, text: JSON.stringify({ query }), accept: undefined },
        contextFor(bob),
      );
      const { bytes } = await leading;
      const turn = await bobTurn;
      expect(turn?.kind).toBe(forBob);
      if (turn?.kind === "follow") expect(turn.answer.body.toString()).toBe(bytes);
    }
  });
});
