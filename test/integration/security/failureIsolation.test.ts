// Failure isolation (SCHEMA.md): one platform's outage blanks only its own panel. With nothing cached, the
// ProvinceDashboard of Nghệ An still answers the province, its 130 communes and every other platform's figures;
// `populationStats` alone is null, each with an error at its own path — whether the population platform is down
// behind a running subgraph, or the population subgraph itself is gone.
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { readOperation, type Stack, startStack } from "../../support/stack.ts";
import type { GraphQLResult } from "../../support/subgraph.ts";

const NGHE_AN = "40";
const COMMUNES = 130;

let stack: Stack;
let dashboard: string;

beforeAll(async () => {
  stack = await startStack();
  dashboard = await readOperation("ProvinceDashboard");
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  await stack.gateway.purge();
  await stack.flushRecordCaches();
});

/** Every population field the dashboard asks, where the client sees it. */
const POPULATION_PATHS = [
  ["province", "populationStats"],
  ...Array.from({ length: COMMUNES }, (_, i) => ["province", "communes", i, "populationStats"]),
];

function expectOnlyPopulationLost(answer: GraphQLResult, code: string) {
  expect(answer.status).toBe(200);
  const province = answer.data?.province;
  expect(province).toMatchObject({
    code: NGHE_AN,
    name: "Nghệ An",
    communeCount: COMMUNES,
    populationStats: null,
  });
  for (const figures of [
    province.resolution57,
    province.plan02,
    province.enterpriseStats,
    province.dossierStats,
  ]) {
    expect(figures).toEqual(expect.any(Object));
  }
  expect(province.platformDeployments).toHaveLength(5);
  expect(province.communes).toHaveLength(COMMUNES);
  for (const commune of province.communes) {
    expect(commune).toMatchObject({ name: expect.any(String), populationStats: null });
    expect(commune.enterpriseStats).toEqual({ active: expect.any(Number) });
    expect(commune.dossierStats).toEqual(expect.objectContaining({ received: expect.any(Number) }));
  }
  const errors = answer.errors ?? [];
  expect(errors.map((error) => error.path)).toEqual(expect.arrayContaining(POPULATION_PATHS));
  expect(errors).toHaveLength(POPULATION_PATHS.length);
  for (const error of errors) expect(error.extensions?.code).toBe(code);
}

it("with the population platform down, only populationStats is null, each with UPSTREAM_UNAVAILABLE at its path", async () => {
  await stack.sandbox.setFaults({ outage: { population: true } });
  try {
    expectOnlyPopulationLost(await stack.gateway.query(dashboard, { code: NGHE_AN }), "UPSTREAM_UNAVAILABLE");
  } finally {
    await stack.sandbox.setFaults({ outage: { population: false } });
  }
}, 120_000);

it("with the population subgraph stopped, only populationStats is null, each with SUBGRAPH_UNAVAILABLE at its path", async () => {
  await stack.stopSubgraph("population");
  const answer = await stack.gateway.query(dashboard, { code: NGHE_AN });
  expectOnlyPopulationLost(answer, "SUBGRAPH_UNAVAILABLE");
  expect(answer.errors?.[0]?.extensions).toMatchObject({ subgraph: "population" });
}, 120_000);
