import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPopulationSubgraph } from "../../../subgraphs/population/index.ts";
import type { CitizenRecord, HouseholdRecord } from "../../../subgraphs/population/platform.ts";
import { freePort } from "../../support/index.ts";
import {
  ENTITIES_QUERY,
  listenAsPlatform,
  startTestSubgraph,
  type TestSubgraph,
} from "../../support/subgraph.ts";

const PLATFORM = "http://platform.test";
const API = `${PLATFORM}/population/v1`;
const NGHE_AN_COMMUNES = Array.from({ length: 130 }, (_, i) => String(40001 + i * 3).padStart(5, "0"));

function citizen(
  id: string,
  provinceCode: string,
  communeCode: string,
  householdId: string | null,
): CitizenRecord {
  return {
    id,
    fullName: `Người ${id.slice(-3)}`,
    dateOfBirth: "1985-03-02",
    gender: "MALE",
    birthProvinceCode: id.slice(0, 3),
    permanentResidence: { communeCode, provinceCode, line: "Xóm 3" },
    currentResidence: null,
    householdId,
  };
}

const CITIZENS = new Map<string, CitizenRecord>(
  [
    citizen("040085001234", "40", "40001", "HK40001000001"),
    citizen("040190004321", "40", "40001", "HK40001000001"),
    citizen("001090000777", "01", "00004", null),
  ].map((c) => [c.id, c]),
);
const HOUSEHOLDS = new Map<string, HouseholdRecord>([
  [
    "HK40001000001",
    {
      id: "HK40001000001",
      headId: "040085001234",
      memberIds: ["040085001234", "040190004321"],
      communeCode: "40001",
      provinceCode: "40",
      line: "Xóm 3",
    },
  ],
]);

function statsOf(unitCode: string) {
  return {
    unitCode,
    total: 1000,
    male: 490,
    female: 510,
    households: 260,
    ageBands: [{ fromAge: 0, toAge: 14, count: 200 }],
  };
}

function list(url: URL, name: string): string[] {
  return url.searchParams.get(name)?.split(",") ?? [];
}

const platformRequests: string[] = [];
const mock = setupServer(
  http.get(`${API}/stats`, ({ request }) => {
    const url = new URL(request.url);
    const codes = [...list(url, "provinces"), ...list(url, "communes")];
    return HttpResponse.json({ items: codes.filter((c) => c !== "99999").map(statsOf) });
  }),
  http.get(`${API}/citizens`, ({ request }) => {
    const ids = list(new URL(request.url), "ids");
    return HttpResponse.json({ items: ids.flatMap((id) => CITIZENS.get(id) ?? []) });
  }),
  http.get(`${API}/households`, ({ request }) => {
    const ids = list(new URL(request.url), "ids");
    return HttpResponse.json({ items: ids.flatMap((id) => HOUSEHOLDS.get(id) ?? []) });
  }),
);

const countOf = (path: string) => platformRequests.filter((r) => r === `/population/v1${path}`).length;

describe("population subgraph (platform mocked)", () => {
  let subgraph: TestSubgraph;
  const reader = { scopes: ["population:read"], province: "40" };

  beforeAll(async () => {
    listenAsPlatform(mock, PLATFORM, platformRequests, (url) => url.pathname);
    subgraph = await startTestSubgraph("population", createPopulationSubgraph, {
      PLATFORM_BASE_URL: PLATFORM,
      INTERNAL_CONTEXT_SECRET: "population-unit-test-secret",
      UPSTREAM_RETRIES: "0",
    });
  });
  afterAll(async () => {
    await subgraph.stop();
    mock.close();
  });
  beforeEach(() => {
    platformRequests.length = 0;
  });

  it("resolves 130 Commune references with one statistics request, then from the record cache", async () => {
    const representations = NGHE_AN_COMMUNES.map((code) => ({ __typename: "Commune", code }));
    const query = ENTITIES_QUERY("... on Commune { code populationStats { total male } }");
    const cold = await subgraph.query(query, { representations });
    expect(cold.errors).toBeUndefined();
    expect(cold.data?._entities).toHaveLength(130);
    expect(cold.data?._entities[129]).toEqual({
      code: NGHE_AN_COMMUNES[129],
      populationStats: { total: 1000, male: 490 },
    });
    expect(platformRequests).toEqual(["/population/v1/stats"]);
    expect(cold.headers.get("cache-control")).toBe("max-age=60, public");

    platformRequests.length = 0;
    const warm = await subgraph.query(query, { representations });
    expect(warm.data).toEqual(cold.data);
    expect(platformRequests).toEqual([]);
  });

  it("answers null for a unit the platform does not know", async () => {
    const result = await subgraph.query(
      ENTITIES_QUERY("... on Province { code populationStats { total } }"),
      {
        representations: [
          { __typename: "Province", code: "40" },
          { __typename: "Commune", code: "99999" },
        ],
      },
    );
    expect(result.data?._entities).toEqual([{ code: "40", populationStats: { total: 1000 } }, null]);
  });

  it("keeps a unit whose statistics the platform cannot answer: only populationStats is null, with its path", async () => {
    mock.use(http.get(`${API}/stats`, () => new HttpResponse(null, { status: 503 })));
    try {
      const result = await subgraph.query(
        ENTITIES_QUERY(
          "... on Province { code populationStats { total } } ... on Commune { code populationStats { total } }",
        ),
        {
          representations: [
            { __typename: "Province", code: "01" },
            { __typename: "Commune", code: "00004" },
          ],
        },
      );
      expect(result.data?._entities).toEqual([
        { code: "01", populationStats: null },
        { code: "00004", populationStats: null },
      ]);
      expect(result.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
        [["_entities", 0, "populationStats"], "UPSTREAM_UNAVAILABLE"],
        [["_entities", 1, "populationStats"], "UPSTREAM_UNAVAILABLE"],
      ]);
      // The reference and the field share the one failed load.
      expect(countOf("/stats")).toBe(1);
    } finally {
      mock.resetHandlers();
    }
  });

  it("reads a citizen of the caller's province with a masked id, as private data", async () => {
    const result = await subgraph.query(
      `{ citizen(id: "040085001234") { maskedId fullName gender permanentResidence { commune { code } } household { id members { maskedId } } } }`,
      {},
      reader,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.citizen).toEqual({
      maskedId: "040******234",
      fullName: "Người 234",
      gender: "MALE",
      permanentResidence: { commune: { code: "40001" } },
      household: {
        id: "HK40001000001",
        members: [{ maskedId: "040******234" }, { maskedId: "040******321" }],
      },
    });
    expect(result.headers.get("cache-control")).toBe("max-age=30, private");
  });

  it("gives null and FORBIDDEN for a citizen outside the caller's province", async () => {
    const result = await subgraph.query(`{ citizen(id: "001090000777") { fullName } }`, {}, reader);
    expect(result.data).toEqual({ citizen: null });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(JSON.stringify(result)).not.toContain("Người 777");
  });

  it("applies the same visibility to entity references", async () => {
    const result = await subgraph.query(
      ENTITIES_QUERY("... on Citizen { fullName }"),
      {
        representations: [
          { __typename: "Citizen", id: "001090000777" },
          { __typename: "Citizen", id: "040190004321" },
        ],
      },
      reader,
    );
    expect(result.data?._entities).toEqual([null, { fullName: "Người 321" }]);
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [["_entities", 0], "FORBIDDEN"],
    ]);
  });

  it("answers citizens(ids) in order with one platform request, null where unknown or not visible", async () => {
    const result = await subgraph.query(
      `{ citizens(ids: ["040190004321", "001090000777", "040085009999", "040085001234"]) { maskedId } }`,
      {},
      reader,
    );
    expect(result.data?.citizens).toEqual([
      { maskedId: "040******321" },
      null,
      null,
      { maskedId: "040******234" },
    ]);
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["citizens", 1], "FORBIDDEN"]]);
    expect(countOf("/citizens")).toBe(1);
  });

  it("shows address lines only with population:pii", async () => {
    const query = `{ citizen(id: "040085001234") { permanentResidence { line } } }`;
    const withoutPii = await subgraph.query(query, {}, reader);
    expect(withoutPii.data?.citizen).toEqual({ permanentResidence: { line: null } });
    expect(withoutPii.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED");
    const withPii = await subgraph.query(
      query,
      {},
      { ...reader, scopes: ["population:read", "population:pii"] },
    );
    expect(withPii.data?.citizen).toEqual({ permanentResidence: { line: "Xóm 3" } });
  });

  it("rejects malformed arguments with BAD_USER_INPUT before asking the platform", async () => {
    const malformedId = await subgraph.query(`{ citizen(id: "12ab") { fullName } }`, {}, reader);
    expect(malformedId.errors?.[0]).toMatchObject({
      message: "id: '12ab' is not a 12-digit personal identification number",
      extensions: { code: "BAD_USER_INPUT" },
    });
    const tooMany = await subgraph.query(
      `query($ids: [ID!]!) { citizens(ids: $ids) { fullName } }`,
      { ids: Array.from({ length: 101 }, () => "040085001234") },
      reader,
    );
    expect(tooMany.errors?.[0]?.message).toBe("ids: 101 ids given, at most 100 allowed");
    const malformedHousehold = await subgraph.query(`{ household(id: "HK4000100001") { id } }`, {}, reader);
    expect(malformedHousehold.errors?.[0]).toMatchObject({
      message: "id: 'HK4000100001' is not a household id (HK followed by 11 digits)",
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(platformRequests).toEqual([]);
  });

  it("answers null for an unknown citizen", async () => {
    const result = await subgraph.query(`{ citizen(id: "040085005555") { fullName } }`, {}, reader);
    expect(result).toMatchObject({ data: { citizen: null }, errors: undefined });
  });

  it("keeps answering from the platform when its Redis is down (the record cache fails open)", async () => {
    const withDeadRedis = await startTestSubgraph("population", createPopulationSubgraph, {
      PLATFORM_BASE_URL: PLATFORM,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    try {
      const representations = NGHE_AN_COMMUNES.slice(0, 3).map((code) => ({ __typename: "Commune", code }));
      const started = Date.now();
      const result = await withDeadRedis.query(
        ENTITIES_QUERY("... on Commune { populationStats { total } }"),
        {
          representations,
        },
      );
      expect(Date.now() - started).toBeLessThan(500);
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual(
        representations.map(() => ({ populationStats: { total: 1000 } })),
      );
      expect(platformRequests).toEqual(["/population/v1/stats"]);
    } finally {
      await withDeadRedis.stop();
    }
  });

  it("reports a platform outage as UPSTREAM_UNAVAILABLE", async () => {
    mock.use(http.get(`${API}/households`, () => new HttpResponse(null, { status: 503 })));
    const result = await subgraph.query(`{ household(id: "HK40001000009") { id } }`, {}, reader);
    expect(result.data).toEqual({ household: null });
    expect(result.errors?.[0]?.extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    mock.resetHandlers();
  });
});
