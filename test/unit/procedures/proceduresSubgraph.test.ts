import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { createProceduresSubgraph } from "../../../subgraphs/procedures/index.ts";
import { NGHE_AN_COMMUNES } from "../reporting/reportingPlatform.mock.ts";
import { type RunningSubgraph, startSubgraph } from "../reporting/subgraphHarness.ts";
import { CITIZEN_IN_01, CITIZEN_IN_40, proceduresHandlers } from "./proceduresPlatform.mock.ts";

const SECRET = "unit-test-internal-context-secret";
const msw = setupServer(...proceduresHandlers);
let subgraph: RunningSubgraph;

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: "bypass" });
  subgraph = await startSubgraph("procedures", createProceduresSubgraph, msw, {
    INTERNAL_CONTEXT_SECRET: SECRET,
  });
});

afterAll(async () => {
  await subgraph.stop();
  msw.close();
});

beforeEach(() => subgraph.resetPlatformRequests());

const PUBLIC: Partial<Caller> = {};
const OFFICER_40: Partial<Caller> = { scopes: ["dossier:read"], province: "40" };
const NATIONAL_OFFICER: Partial<Caller> = { scopes: ["dossier:read"] };

const COMMUNE_STATS = /* GraphQL */ `
  query ($representations: [_Any!]!, $from: Date, $to: Date) {
    _entities(representations: $representations) {
      ... on Commune { code dossierStats(from: $from, to: $to) { received onTimeRate } }
    }
  }
`;

interface ApplicantDossiers {
  dossiers: { totalCount: number; edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
}

describe("procedures subgraph: batching and the record cache", () => {
  const representations = NGHE_AN_COMMUNES.map((c) => ({ __typename: "Commune", code: c.code }));

  it("answers dossierStats of 130 communes with one statistics call, then from the cache", async () => {
    const cold = await subgraph.query(COMMUNE_STATS, { representations }, PUBLIC);
    expect(cold.body.errors).toBeUndefined();
    const entities = cold.body.data?._entities as Array<{ dossierStats: { received: number } }>;
    expect(entities).toHaveLength(130);
    expect(entities[129]?.dossierStats).toEqual({ received: 100, onTimeRate: 95 });
    expect(subgraph.platformRequests()).toHaveLength(1);
    expect(subgraph.platformRequests()[0]).toMatch(/^GET \/procedures\/v1\/stats\?communes=16000,16003,/);

    subgraph.resetPlatformRequests();
    const warm = await subgraph.query(COMMUNE_STATS, { representations }, PUBLIC);
    expect(warm.body).toEqual(cold.body);
    expect(subgraph.platformRequests()).toEqual([]);
  });

  it("keeps each period apart: another (from, to) is one more call with that period", async () => {
    const result = await subgraph.query(
      COMMUNE_STATS,
      { representations, from: "2025-07-01", to: "2025-09-30" },
      PUBLIC,
    );
    const entities = result.body.data?._entities as Array<{ dossierStats: { received: number } }>;
    expect(entities[0]?.dossierStats).toEqual({
      received: 10,
      onTimeRate: 95,
    });
    expect(subgraph.platformRequests()).toHaveLength(1);
    expect(subgraph.platformRequests()[0]).toContain("from=2025-07-01&to=2025-09-30");
  });

  it("counts a province's procedures per agency", async () => {
    const result = await subgraph.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Province { dost: procedureCount(agency: DOST) all: procedureCount } } }`,
      { r: [{ __typename: "Province", code: "66" }] },
      PUBLIC,
    );
    expect(result.body.data?._entities).toEqual([{ dost: 194, all: 1900 }]);
  });

  it("pages each applicant's dossiers at the platform: first as the page size, the caller's unit as the filter", async () => {
    const result = await subgraph.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { dossiers(first: 1) { totalCount edges { node { code } } pageInfo { hasNextPage endCursor } } } } }`,
      {
        r: [
          { __typename: "Citizen", id: CITIZEN_IN_40 },
          { __typename: "Citizen", id: CITIZEN_IN_01 },
        ],
      },
      OFFICER_40,
    );
    expect(result.body.errors).toBeUndefined();
    const [inNgheAn, in01] = result.body.data!._entities as [ApplicantDossiers, ApplicantDossiers];
    expect(inNgheAn.dossiers).toMatchObject({
      totalCount: 2,
      edges: [{ node: { code: "H40-251101-0001" } }],
      pageInfo: { hasNextPage: true },
    });
    expect(in01.dossiers).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
    expect(subgraph.platformRequests().sort()).toEqual([
      `GET /procedures/v1/dossiers?applicant=${CITIZEN_IN_01}&province=40&limit=1`,
      `GET /procedures/v1/dossiers?applicant=${CITIZEN_IN_40}&province=40&limit=1`,
    ]);

    subgraph.resetPlatformRequests();
    const next = await subgraph.query(
      `query ($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Citizen { dossiers(first: 1, after: $after) { edges { node { code } } pageInfo { hasNextPage } } } } }`,
      { r: [{ __typename: "Citizen", id: CITIZEN_IN_40 }], after: inNgheAn.dossiers.pageInfo.endCursor },
      OFFICER_40,
    );
    expect(next.body.data?._entities).toEqual([
      { dossiers: { edges: [{ node: { code: "H40-251101-0002" } }], pageInfo: { hasNextPage: false } } },
    ]);
    expect(subgraph.platformRequests()).toEqual([
      `GET /procedures/v1/dossiers?applicant=${CITIZEN_IN_40}&province=40&limit=1&cursor=1`,
    ]);
  });

  it("lists a national caller's applicant dossiers without a unit filter, and a commune caller's within its commune", async () => {
    await subgraph.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { dossiers(first: 5) { totalCount } } } }`,
      { r: [{ __typename: "Citizen", id: CITIZEN_IN_40 }] },
      NATIONAL_OFFICER,
    );
    const commune = await subgraph.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { dossiers(first: 5) { totalCount edges { node { code } } } } } }`,
      { r: [{ __typename: "Citizen", id: CITIZEN_IN_40 }] },
      { scopes: ["dossier:read"], province: "40", commune: "16003" },
    );
    expect(commune.body.data?._entities).toEqual([
      { dossiers: { totalCount: 1, edges: [{ node: { code: "H40-251101-0002" } }] } },
    ]);
    expect(subgraph.platformRequests()).toEqual([
      `GET /procedures/v1/dossiers?applicant=${CITIZEN_IN_40}&limit=5`,
      `GET /procedures/v1/dossiers?applicant=${CITIZEN_IN_40}&commune=16003&limit=5`,
    ]);
  });

  it("refuses a forged after cursor of an applicant's dossiers before asking the platform", async () => {
    const result = await subgraph.query(
      `query ($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Citizen { dossiers(first: 1, after: $after) { totalCount } } } }`,
      {
        r: [{ __typename: "Citizen", id: CITIZEN_IN_40 }],
        after: Buffer.from(JSON.stringify([null, 1e9])).toString("base64url"),
      },
      OFFICER_40,
    );
    expect(result.body.errors?.[0]).toMatchObject({
      message: "after: cursor position 1000000000 is outside 0..500",
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(subgraph.platformRequests()).toEqual([]);
  });
});

describe("procedures subgraph: who may see what", () => {
  it("lets anyone look up a dossier's status, publicly cached for 30 s", async () => {
    const result = await subgraph.query(
      '{ dossier(code: "H01-251101-0001") { code status receivedAt dueAt procedure { code name } } }',
      {},
      PUBLIC,
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.dossier).toMatchObject({
      code: "H01-251101-0001",
      procedure: { code: "1.001612" },
    });
    expect(result.headers.get("cache-control")).toBe("max-age=30, public");
  });

  it("refuses the applicant and history without dossier:read", async () => {
    const result = await subgraph.query(
      '{ dossier(code: "H40-251101-0001") { code applicant { __typename } } }',
      {},
      PUBLIC,
    );
    expect(result.body.data?.dossier).toEqual({ code: "H40-251101-0001", applicant: null });
    expect(result.body.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED");
  });

  it("lets a caller limited to province 40 look up the status of a dossier of province 01 but not its applicant", async () => {
    const status = await subgraph.query(
      '{ dossier(code: "H01-251101-0001") { code status } }',
      {},
      OFFICER_40,
    );
    expect(status.body).toEqual({
      data: { dossier: { code: "H01-251101-0001", status: expect.any(String) } },
    });

    const result = await subgraph.query(
      '{ dossier(code: "H01-251101-0001") { code applicant { __typename } } }',
      {},
      OFFICER_40,
    );
    expect(result.body.data).toEqual({ dossier: { code: "H01-251101-0001", applicant: null } });
    expect(result.body.errors).toEqual([
      expect.objectContaining({ path: ["dossier", "applicant"], extensions: { code: "FORBIDDEN" } }),
    ]);
  });

  it("shows the applicant of a dossier in the caller's own province, as private data", async () => {
    const result = await subgraph.query(
      '{ dossier(code: "H40-251101-0001") { applicant { __typename ... on Citizen { id } } history { status } } }',
      {},
      OFFICER_40,
    );
    expect(result.body).toEqual({
      data: {
        dossier: {
          applicant: { __typename: "Citizen", id: CITIZEN_IN_40 },
          history: [{ status: "RECEIVED" }],
        },
      },
    });
    expect(result.headers.get("cache-control")).toBe("max-age=30, private");
  });

  it("lists dossiers of the caller's own province when the filter names none, and refuses another province", async () => {
    const own = await subgraph.query("{ dossiers(filter: {}) { totalCount } }", {}, OFFICER_40);
    expect(own.body.data?.dossiers).toEqual({ totalCount: 2 });
    expect(subgraph.platformRequests()).toEqual(["GET /procedures/v1/dossiers?province=40&limit=20"]);

    const other = await subgraph.query(
      '{ dossiers(filter: { provinceCode: "01" }) { totalCount } }',
      {},
      OFFICER_40,
    );
    expect(other.body.data).toBeNull();
    expect(other.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("requires a unit in the filter of a national caller", async () => {
    const result = await subgraph.query("{ dossiers(filter: {}) { totalCount } }", {}, NATIONAL_OFFICER);
    expect(result.body.errors?.[0]).toMatchObject({
      message: "filter: name a provinceCode or a communeCode",
      extensions: { code: "BAD_USER_INPUT" },
    });
  });
});

describe("procedures subgraph: catalogue and arguments", () => {
  it("pages the procedure catalogue, cached publicly for 300 s", async () => {
    const result = await subgraph.query(
      "{ procedures(filter: { level: COMMUNE }, first: 5) { totalCount edges { node { code agency } } pageInfo { hasNextPage } } }",
      {},
      PUBLIC,
    );
    expect(result.body.data?.procedures).toEqual({
      totalCount: 1,
      edges: [{ node: { code: "1.001612", agency: "COMMUNE_PC" } }],
      pageInfo: { hasNextPage: false },
    });
    expect(result.headers.get("cache-control")).toBe("max-age=300, public");
  });

  it("answers an unknown procedure with null", async () => {
    const result = await subgraph.query('{ procedure(code: "9.999999") { name } }', {}, PUBLIC);
    expect(result.body).toEqual({ data: { procedure: null } });
  });

  it.each([
    [
      '{ procedure(code: "1-001612") { name } }',
      "code: '1-001612' is not a national procedure code like 1.001612",
    ],
    ["{ procedures(first: 101) { totalCount } }", "first: 101 is outside 0..100"],
    [
      '{ procedures(filter: { nameContains: " a " }) { totalCount } }',
      "filter.nameContains: must be 2 to 100 characters",
    ],
    [
      '{ procedures(filter: { provinceCode: "401" }) { totalCount } }',
      "filter.provinceCode: '401' is not a 2-digit province code",
    ],
    ['{ dossier(code: "../etc") { code } }', "code: '../etc' is not a dossier code like H40-251112-0007"],
    [
      '{ dossier(code: "000.00.15.H40-250101-0001") { code } }',
      "code: '000.00.15.H40-250101-0001' is not a dossier code like H40-251112-0007",
    ],
    [
      '{ dossiers(filter: { provinceCode: "40", receivedFrom: "2025-02-30" }) { totalCount } }',
      "filter.receivedFrom: '2025-02-30' is not a calendar date in the form YYYY-MM-DD",
    ],
    [
      '{ dossiers(filter: { communeCode: "16000", receivedFrom: "2025-10-01", receivedTo: "2025-09-01" }) { totalCount } }',
      "filter.receivedFrom: 2025-10-01 is after filter.receivedTo: 2025-09-01",
    ],
  ])("%s → BAD_USER_INPUT", async (query, message) => {
    const result = await subgraph.query(query, {}, NATIONAL_OFFICER);
    expect(result.body.errors).toEqual([
      expect.objectContaining({ message, extensions: { code: "BAD_USER_INPUT" } }),
    ]);
    expect(subgraph.platformRequests()).toEqual([]);
  });

  it("rejects a malformed period of dossierStats", async () => {
    const result = await subgraph.query(
      COMMUNE_STATS,
      {
        representations: [{ __typename: "Commune", code: "16000" }],
        from: "2025-13-01",
      },
      PUBLIC,
    );
    expect(result.body.errors?.[0]).toMatchObject({
      message: "from: '2025-13-01' is not a calendar date in the form YYYY-MM-DD",
      extensions: { code: "BAD_USER_INPUT" },
    });
  });
});
