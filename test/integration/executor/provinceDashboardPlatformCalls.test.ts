// A cold ProvinceDashboard over the real stack with our executor: the `_entities` fetches for the province and for
// its communes reach each statistics subgraph as one request, so each platform is called once whatever the timing,
// even with the subgraphs' platform batch window at 0 (no waiting for stragglers). Every cache and dedup is off so
// each request is cold; the subgraphs' record caches are emptied before each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOperation, type Stack, startStack } from "../../support/stack.ts";
import type { GraphQLResult } from "../../support/subgraph.ts";

const COLD = { RESPONSE_CACHE: "off", FETCH_CACHE: "off", DEDUP: "off" };

interface PlatformRequest {
  endpoint: string;
}

describe("a cold ProvinceDashboard with EXECUTOR=own", () => {
  let stack: Stack;
  let dashboard: string;

  beforeAll(async () => {
    stack = await startStack({
      gatewayEnv: { EXECUTOR: "own", ...COLD },
      subgraphEnv: { PLATFORM_BATCH_WINDOW_MS: "0" },
    });
    dashboard = await readOperation("ProvinceDashboard");
  }, 120_000);
  afterAll(() => stack?.stop());

  async function coldPlatformCalls(query: (q: string, v: Record<string, unknown>) => Promise<GraphQLResult>) {
    await stack.flushRecordCaches();
    await stack.sandbox.resetStats();
    const result = await query(dashboard, { code: "40" });
    const stats = await stack.sandbox.get<{ total: number; requests: PlatformRequest[] }>("/_sandbox/stats");
    return { result, stats };
  }

  it("costs exactly 7 platform calls, one per platform endpoint", { timeout: 120_000 }, async () => {
    const token = await stack.token({ scopes: ["population:read", "business:read", "procedures:read"] });
    for (let round = 0; round < 3; round++) {
      const { result, stats } = await coldPlatformCalls((q, v) => stack.gateway.query(q, v, token));
      expect(result.errors).toBeUndefined();
      expect(result.data?.province?.communes?.length).toBeGreaterThan(0);
      const endpoints = stats.requests.map((request) => request.endpoint);
      expect(stats.total, endpoints.join("\n")).toBe(7);
      expect(new Set(endpoints).size).toBe(7);
    }
  });

  it("answers exactly as Apollo Gateway's executor does", { timeout: 120_000 }, async () => {
    const token = await stack.token({ scopes: ["population:read", "business:read", "procedures:read"] });
    const apollo = await stack.startGateway({ EXECUTOR: "apollo", ...COLD });
    const ours = await coldPlatformCalls((q, v) => stack.gateway.query(q, v, token));
    const theirs = await coldPlatformCalls((q, v) => apollo.query(q, v, token));
    expect(ours.result.errors).toBeUndefined();
    expect(JSON.stringify(ours.result.data)).toBe(JSON.stringify(theirs.result.data));
  });
});
