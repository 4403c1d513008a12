import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPopulationSubgraph } from "../../../subgraphs/population/index.ts";
import type { CitizenRecord, PopulationStatsRecord } from "../../../subgraphs/population/platform.ts";
import { assertRedisReachable, redisUrl, uniqueRedisPrefix } from "../../support/index.ts";
import { startTestSandbox, type TestSandbox } from "../../support/sandbox.ts";
import { ENTITIES_QUERY, startTestSubgraph, type TestSubgraph } from "../../support/subgraph.ts";

const SECRET = "population-integration-secret";

interface Page<T> {
  items: T[];
}

describe("population subgraph against the sandbox and Redis", () => {
  let sandbox: TestSandbox;
  let subgraph: TestSubgraph;
  let env: Record<string, string>;
  let ngheAnCommunes: string[];
  let ngheAnCitizen: CitizenRecord;
  let hanoiCitizen: CitizenRecord;

  const firstCitizenOf = async (province: string) => {
    const communes = await sandbox.get<Page<{ code: string }>>(
      `/reporting/v1/communes?provinces=${province}`,
    );
    const page = await sandbox.get<Page<CitizenRecord>>(
      `/population/v1/citizens?commune=${communes.items[0]!.code}&limit=1`,
    );
    return page.items[0]!;
  };
  const platformCalls = async (endpoint: string) => (await sandbox.stats()).byEndpoint[endpoint] ?? 0;

  beforeAll(async () => {
    await assertRedisReachable();
    sandbox = await startTestSandbox();
    env = {
      PLATFORM_BASE_URL: sandbox.url,
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: uniqueRedisPrefix("population"),
      INTERNAL_CONTEXT_SECRET: SECRET,
    };
    subgraph = await startTestSubgraph("population", createPopulationSubgraph, env);
    const communes = await sandbox.get<Page<{ code: string }>>("/reporting/v1/communes?provinces=40");
    ngheAnCommunes = communes.items.map((c) => c.code);
    ngheAnCitizen = await firstCitizenOf("40");
    hanoiCitizen = await firstCitizenOf("01");
  });
  afterAll(async () => {
    await subgraph?.stop();
    await sandbox?.stop();
  });
  beforeEach(async () => {
    await sandbox.resetStats();
  });

  it("resolves Nghệ An's 130 communes in one platform request, then from Redis even in a fresh process", async () => {
    expect(ngheAnCommunes).toHaveLength(130);
    const query = ENTITIES_QUERY("... on Commune { code populationStats { total } }");
    const representations = ngheAnCommunes.map((code) => ({ __typename: "Commune", code }));
    const cold = await subgraph.query(query, { representations });
    expect(cold.errors).toBeUndefined();
    const communeTotal = (
      (cold.data?._entities ?? []) as Array<{ populationStats: { total: number } }>
    ).reduce((sum, e) => sum + e.populationStats.total, 0);
    const [province] = (await sandbox.get<Page<PopulationStatsRecord>>("/population/v1/stats?provinces=40"))
      .items;
    expect(communeTotal).toBe(province!.total);
    expect((await sandbox.stats()).byEndpoint).toEqual({ "GET /population/v1/stats": 2 });

    await sandbox.resetStats();
    const second = await startTestSubgraph("population", createPopulationSubgraph, env);
    try {
      const warm = await second.query(query, { representations });
      expect(warm.data).toEqual(cold.data);
      expect((await sandbox.stats()).total).toBe(0);
    } finally {
      await second.stop();
    }
  });

  it("answers Province.populationStats from the platform's province figures", async () => {
    const result = await subgraph.query(
      ENTITIES_QUERY("... on Province { populationStats { total male female } }"),
      {
        representations: [{ __typename: "Province", code: "40" }],
      },
    );
    const [province] = (await sandbox.get<Page<PopulationStatsRecord>>("/population/v1/stats?provinces=40"))
      .items;
    expect(result.data?._entities).toEqual([
      { populationStats: { total: province!.total, male: province!.male, female: province!.female } },
    ]);
  });

  it("reads a citizen, their household and its members", async () => {
    const result = await subgraph.query(
      `query($id: ID!) { citizen(id: $id) { id maskedId fullName dateOfBirth household { id head { maskedId } members { maskedId } } } }`,
      { id: ngheAnCitizen.id },
      { scopes: ["population:read", "population:pii"], province: "40" },
    );
    expect(result.errors).toBeUndefined();
    const citizen = result.data?.citizen;
    expect(citizen).toMatchObject({
      id: ngheAnCitizen.id,
      maskedId: `${ngheAnCitizen.id.slice(0, 3)}******${ngheAnCitizen.id.slice(-3)}`,
      fullName: ngheAnCitizen.fullName,
      dateOfBirth: ngheAnCitizen.dateOfBirth,
      household: { id: ngheAnCitizen.householdId },
    });
    expect(citizen.household.members.length).toBeGreaterThan(0);
    expect(await platformCalls("GET /population/v1/citizens/{id}")).toBe(0);
  });

  it("answers citizens(ids) in order and household(id) from batch lookups", async () => {
    const reader = { scopes: ["population:read"], province: "40" };
    const result = await subgraph.query(
      `query($ids: [ID!]!, $household: ID!) { citizens(ids: $ids) { fullName } household(id: $household) { id commune { code } } }`,
      { ids: [hanoiCitizen.id, ngheAnCitizen.id, "040085000000"], household: ngheAnCitizen.householdId },
      reader,
    );
    expect(result.data).toEqual({
      citizens: [null, { fullName: ngheAnCitizen.fullName }, null],
      household: {
        id: ngheAnCitizen.householdId,
        commune: { code: ngheAnCitizen.permanentResidence.communeCode },
      },
    });
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["citizens", 0], "FORBIDDEN"]]);
    const stats = (await sandbox.stats()).byEndpoint;
    expect(stats["GET /population/v1/citizens"]).toBe(1);
    // An earlier test may already have put the household in the record cache.
    expect(stats["GET /population/v1/households"] ?? 0).toBeLessThanOrEqual(1);
  });

  it("resolves Citizen and Household references", async () => {
    const result = await subgraph.query(
      ENTITIES_QUERY("... on Citizen { fullName } ... on Household { head { fullName } }"),
      {
        representations: [
          { __typename: "Citizen", id: ngheAnCitizen.id },
          { __typename: "Household", id: ngheAnCitizen.householdId },
        ],
      },
      { scopes: ["population:read"] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities[0]).toEqual({ fullName: ngheAnCitizen.fullName });
  });

  it("does not let a caller scoped to province 40 read a citizen of province 01", async () => {
    const result = await subgraph.query(
      `query($id: ID!) { citizen(id: $id) { fullName dateOfBirth } }`,
      { id: hanoiCitizen.id },
      { scopes: ["population:read", "population:pii"], province: "40" },
    );
    expect(result.data).toEqual({ citizen: null });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(JSON.stringify(result)).not.toContain(hanoiCitizen.fullName);
    // The same caller without a province limit (a national role) reads it.
    const national = await subgraph.query(
      `query($id: ID!) { citizen(id: $id) { fullName } }`,
      { id: hanoiCitizen.id },
      { scopes: ["population:read"] },
    );
    expect(national.data).toEqual({ citizen: { fullName: hanoiCitizen.fullName } });
  });

  it("refuses requests without a signed caller context", async () => {
    const response = await fetch(subgraph.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.status).toBe(401);
  });
});
