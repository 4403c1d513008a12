// Inbound deduplication of identical concurrent operations: on a toy federation (per visibility class, and off when
// switched off), and over the real subgraphs, where 50 identical dashboards in flight at once cost the subgraphs what
// one dashboard costs, as counted on the wire in front of each subgraph.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { readOperation, type Stack, SUBGRAPH_NAMES, startStack } from "../../support/stack.ts";
import { type StackRecorders, startStackRecorders } from "../../support/subgraphRecorder.ts";
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
    expect((await gw.metrics.dedupJoins.get()).values[0]?.value).toBe(49);
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
