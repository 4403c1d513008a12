// One real subgraph stopped under a running gateway: the other subgraphs' data still comes back, with an error
// naming the missing subgraph, /ready stays 200 (degraded), and the ops listener says which one is gone.
import { afterAll, beforeAll, expect, it } from "vitest";
import { readOperation, type Stack, startStack } from "../../support/stack.ts";

const MIXED = `query Mixed($enterprise: ID!) {
  nationalTaskProgress(program: RESOLUTION_57) { assigned completed completionRate }
  province(code: "40") { name communeCount }
  enterprise(code: $enterprise) { code name }
}`;

let stack: Stack;

beforeAll(async () => {
  // Breaker and retry as in production; no cache may answer in the subgraph's place.
  stack = await startStack({ gatewayEnv: { RESPONSE_CACHE: "off", ENTITY_CACHE: "off" } });
});

afterAll(async () => {
  await stack?.stop();
});

it("with the business subgraph stopped: partial data and SUBGRAPH_UNAVAILABLE naming business", async () => {
  const listing = await stack.sandbox.get<{ items: { code: string; name: string }[] }>(
    "/business/v1/enterprises?province=40&limit=1",
  );
  const { code, name } = listing.items[0]!;
  const enterprise = { code, name };
  const before = await stack.gateway.query(MIXED, { enterprise: enterprise.code });
  expect(before.errors).toBeUndefined();
  expect(before.data?.enterprise).toEqual(enterprise);

  await stack.stopSubgraph("business");

  const after = await stack.gateway.query(MIXED, { enterprise: enterprise.code });
  expect(after.status).toBe(200);
  expect(after.data).toEqual({ ...before.data, enterprise: null });
  expect(after.errors).toEqual([
    {
      message: 'Subgraph "business" is unavailable',
      path: ["enterprise"],
      extensions: { code: "SUBGRAPH_UNAVAILABLE", subgraph: "business", reason: "connection" },
    },
  ]);

  // The dashboard needs business for every commune's enterpriseStats: it says so, and names no other subgraph.
  const dashboard = await stack.gateway.query(await readOperation("ProvinceDashboard"), { code: "40" });
  expect(dashboard.status).toBe(200);
  expect(dashboard.errors?.length).toBeGreaterThan(0);
  for (const error of dashboard.errors ?? []) {
    expect(error.extensions).toMatchObject({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "business" });
  }

  const ready = await fetch(`${stack.gateway.origin}/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: "degraded" });
  const detailed = await fetch(`${stack.gateway.opsOrigin}/ready`);
  expect((await detailed.json()).reasons).toEqual([expect.stringMatching(/^subgraph:business: /)]);
});
