// PLATFORM_BATCH_EARLY_DISPATCH over the real stack: the subgraphs send a batch as soon as nothing else can join it,
// instead of sitting out the window (here the longest allowed, 100 ms). With a gateway that joins a plan step's entity
// fetches (EXECUTOR=own), a cold ProvinceDashboard then still asks each platform endpoint once: going early never
// splits what one request asks for into several calls. And the answer is the one the window-bound stack gives.
// Operators see which way each batch went in lienthong_platform_batches_total{dispatch}.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricValue } from "../../support/index.ts";
import { readOperation, type Stack, SUBGRAPH_NAMES, startStack } from "../../support/stack.ts";
import type { GraphQLResult } from "../../support/subgraph.ts";

const COLD = { RESPONSE_CACHE: "off", FETCH_CACHE: "off", DEDUP: "off" };
const STATISTICS_SCOPES = ["population:read", "business:read", "procedures:read"];

interface PlatformRequest {
  endpoint: string;
}

async function coldDashboard(stack: Stack, dashboard: string, token: string) {
  await stack.flushRecordCaches();
  await stack.sandbox.resetStats();
  const result: GraphQLResult = await stack.gateway.query(dashboard, { code: "40" }, token);
  const { requests } = await stack.sandbox.get<{ requests: PlatformRequest[] }>("/_sandbox/stats");
  return { result, endpoints: requests.map((request) => request.endpoint) };
}

/** Batch-window batches the stack's subgraphs have sent, by how they went out. */
async function batchesSent(stack: Stack, dispatch: "early" | "window"): Promise<number> {
  const counts = await Promise.all(
    SUBGRAPH_NAMES.map((name) =>
      metricValue(stack.subgraphs[name].deps.metrics.registry, "lienthong_platform_batches_total", {
        dispatch,
      }),
    ),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

describe("a cold ProvinceDashboard with early dispatch", () => {
  let early: Stack;
  let windowBound: Stack;
  let dashboard: string;

  beforeAll(async () => {
    [early, windowBound] = await Promise.all([
      startStack({
        gatewayEnv: { EXECUTOR: "own", ...COLD },
        subgraphEnv: { PLATFORM_BATCH_EARLY_DISPATCH: "on", PLATFORM_BATCH_WINDOW_MS: "100" },
      }),
      startStack({
        gatewayEnv: { EXECUTOR: "own", ...COLD },
        subgraphEnv: { PLATFORM_BATCH_EARLY_DISPATCH: "off", PLATFORM_BATCH_WINDOW_MS: "100" },
      }),
    ]);
    dashboard = await readOperation("ProvinceDashboard");
  }, 180_000);
  afterAll(() => Promise.all([early?.stop(), windowBound?.stop()]));

  it("asks each platform endpoint at most once", { timeout: 120_000 }, async () => {
    const token = await early.token({ scopes: STATISTICS_SCOPES });
    for (let round = 0; round < 3; round++) {
      const { result, endpoints } = await coldDashboard(early, dashboard, token);
      expect(result.errors).toBeUndefined();
      expect(result.data?.province?.communes?.length).toBeGreaterThan(0);
      expect(endpoints.length, endpoints.join("\n")).toBe(new Set(endpoints).size);
      expect(new Set(endpoints)).toEqual(
        new Set([
          "GET /reporting/v1/provinces",
          "GET /reporting/v1/communes",
          "GET /reporting/v1/task-progress",
          "GET /reporting/v1/platform-deployments",
          "GET /population/v1/stats",
          "GET /business/v1/stats",
          "GET /procedures/v1/stats",
        ]),
      );
    }
  });

  it("sends every batch of a lone dashboard before its window ends", { timeout: 120_000 }, async () => {
    const [earlyBefore, windowBefore] = await Promise.all([
      batchesSent(early, "early"),
      batchesSent(early, "window"),
    ]);
    const { result } = await coldDashboard(
      early,
      dashboard,
      await early.token({ scopes: STATISTICS_SCOPES }),
    );
    expect(result.errors).toBeUndefined();
    // One batch per platform endpoint: 4 reporting kinds, then one statistics batch in each other subgraph.
    expect((await batchesSent(early, "early")) - earlyBefore).toBe(7);
    expect(await batchesSent(early, "window")).toBe(windowBefore);
  });

  it("answers as the subgraphs that wait out the window do", { timeout: 120_000 }, async () => {
    const [ours, waited] = await Promise.all([
      early.token({ scopes: STATISTICS_SCOPES }).then((token) => coldDashboard(early, dashboard, token)),
      windowBound
        .token({ scopes: STATISTICS_SCOPES })
        .then((token) => coldDashboard(windowBound, dashboard, token)),
    ]);
    expect(ours.result.errors).toBeUndefined();
    expect(waited.result.errors).toBeUndefined();
    expect(await batchesSent(windowBound, "early")).toBe(0);
    expect(ours.result.data).toEqual(waited.result.data);
  });
});
