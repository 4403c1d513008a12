import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createProceduresSubgraph } from "../../../subgraphs/procedures/index.ts";
import { rootField, type Stack, startStack } from "./reportingProceduresHarness.ts";

const adminUnits = JSON.parse(
  readFileSync(new URL("../../../sandbox/data/admin-units.json", import.meta.url), "utf8"),
) as {
  communes: Array<{ code: string; provinceCode: string }>;
};
const NGHE_AN_COMMUNES = adminUnits.communes.filter((c) => c.provinceCode === "40").map((c) => c.code);
const HA_NOI_COMMUNE = adminUnits.communes.find((c) => c.provinceCode === "01")!.code;

const NATIONAL_OFFICER = { scopes: ["dossier:read"] };
const OFFICER_40 = { scopes: ["dossier:read"], province: "40" };

interface DossierNode {
  code: string;
  province: { code: string };
  applicant: { __typename: string; id?: string; code?: string } | null;
}

let stack: Stack;
let dossierOf40: DossierNode;
let dossierOf01: DossierNode;

async function firstDossier(provinceCode: string): Promise<DossierNode> {
  const body = await stack.query(
    `query ($p: ID!) { dossiers(filter: { provinceCode: $p }, first: 1) { edges { node {
      code province { code } applicant { __typename ... on Citizen { id } ... on Enterprise { code } }
    } } } }`,
    { p: provinceCode },
    NATIONAL_OFFICER,
  );
  expect(body.errors).toBeUndefined();
  return rootField<{ edges: Array<{ node: DossierNode }> }>(body, "dossiers").edges[0]!.node;
}

beforeAll(async () => {
  stack = await startStack("procedures", createProceduresSubgraph);
  dossierOf40 = await firstDossier("40");
  dossierOf01 = await firstDossier("01");
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  await stack.resetPlatformRequests();
});

describe("procedures subgraph over the sandbox: catalogue and statistics", () => {
  it("lists the 976 procedures of the national catalogue and reads one by code", async () => {
    const body = await stack.query(`{
      procedures(first: 3) { totalCount edges { node { code name } } pageInfo { hasNextPage } }
    }`);
    const procedures = body.data?.procedures as {
      totalCount: number;
      edges: Array<{ node: { code: string; name: string } }>;
    };
    expect(procedures.totalCount).toBe(976);
    expect(procedures.edges).toHaveLength(3);
    const first = procedures.edges[0]!.node;
    const one = await stack.query("query ($c: ID!) { procedure(code: $c) { code name } }", { c: first.code });
    expect(one).toEqual({ data: { procedure: first } });
  });

  it("counts the 194 procedures of Đắk Lắk's Department of Science and Technology", async () => {
    const body = await stack.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Province { procedureCount(agency: DOST) } } }`,
      { r: [{ __typename: "Province", code: "66" }] },
    );
    expect(body).toEqual({ data: { _entities: [{ procedureCount: 194 }] } });
  });

  it("answers dossierStats of all Nghệ An communes with one statistics call, then from Redis", async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) {
      ... on Commune { code dossierStats(from: "2025-07-01") { received resolved onTimeRate } }
    } }`;
    const r = NGHE_AN_COMMUNES.map((code) => ({ __typename: "Commune", code }));
    const cold = await stack.query(query, { r });
    expect(cold.errors).toBeUndefined();
    expect(cold.data?._entities).toHaveLength(130);
    expect(await stack.platformRequests()).toEqual({ "GET /procedures/v1/stats": 1 });

    await stack.resetPlatformRequests();
    const warm = await stack.query(query, { r });
    expect(warm).toEqual(cold);
    expect(await stack.platformRequests()).toEqual({});
  });
});

describe("procedures subgraph over the sandbox: who may see which dossier", () => {
  it("lets anyone look a dossier's status up", async () => {
    const body = await stack.query(
      "query ($c: ID!) { dossier(code: $c) { code status receivedAt dueAt procedure { code } } }",
      {
        c: dossierOf01.code,
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.dossier).toMatchObject({ code: dossierOf01.code });
  });

  it("gives a caller scoped to province 40 FORBIDDEN for the applicant of a dossier of province 01", async () => {
    const body = await stack.query(
      "query ($c: ID!) { dossier(code: $c) { code status applicant { __typename } } }",
      { c: dossierOf01.code },
      OFFICER_40,
    );
    expect(body.data).toEqual({
      dossier: { code: dossierOf01.code, status: expect.any(String), applicant: null },
    });
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ["dossier", "applicant"], extensions: { code: "FORBIDDEN" } }),
    ]);

    // history is a non-null list: refusing it nulls the dossier rather than handing out its events.
    const withHistory = await stack.query(
      "query ($c: ID!) { dossier(code: $c) { code history { status } } }",
      { c: dossierOf01.code },
      OFFICER_40,
    );
    expect(withHistory.data).toEqual({ dossier: null });
    expect(withHistory.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("shows the same caller the applicant and history of a dossier of its own province", async () => {
    const body = await stack.query(
      "query ($c: ID!) { dossier(code: $c) { code applicant { __typename } history { status } } }",
      { c: dossierOf40.code },
      OFFICER_40,
    );
    expect(body.errors).toBeUndefined();
    const dossier = body.data?.dossier as { applicant: { __typename: string }; history: unknown[] };
    expect(dossier.applicant.__typename).toBe(dossierOf40.applicant?.__typename);
    expect(dossier.history.length).toBeGreaterThan(0);
  });

  it("refuses a listing of province 01 to a caller of province 40 and finds nothing of a Hà Nội commune", async () => {
    const other = await stack.query(
      '{ dossiers(filter: { provinceCode: "01" }) { totalCount } }',
      {},
      OFFICER_40,
    );
    expect(other.data).toBeNull();
    expect(other.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const commune = await stack.query(
      "query ($c: ID!) { dossiers(filter: { communeCode: $c }) { totalCount } }",
      { c: HA_NOI_COMMUNE },
      OFFICER_40,
    );
    expect(commune).toEqual({ data: { dossiers: { totalCount: 0 } } });

    const own = await stack.query(
      "{ dossiers(filter: {}, first: 5) { totalCount edges { node { province { code } } } } }",
      {},
      OFFICER_40,
    );
    const listing = own.data?.dossiers as {
      totalCount: number;
      edges: Array<{ node: { province: { code: string } } }>;
    };
    expect(listing.totalCount).toBeGreaterThan(0);
    expect(listing.edges.every((edge) => edge.node.province.code === "40")).toBe(true);
  });

  it("lists an applicant's dossiers through the Citizen or Enterprise reference", async () => {
    const applicant = dossierOf40.applicant!;
    const representation =
      applicant.__typename === "Citizen"
        ? { __typename: "Citizen", id: applicant.id }
        : { __typename: "Enterprise", code: applicant.code };
    const body = await stack.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) {
        ... on Citizen { dossiers(first: 100) { totalCount edges { node { code province { code } } } } }
        ... on Enterprise { dossiers(first: 100) { totalCount edges { node { code province { code } } } } }
      } }`,
      { r: [representation] },
      OFFICER_40,
    );
    expect(body.errors).toBeUndefined();
    const [entity] = rootField<
      Array<{
        dossiers: {
          totalCount: number;
          edges: Array<{ node: { code: string; province: { code: string } } }>;
        };
      }>
    >(body, "_entities");
    expect(entity!.dossiers.edges.map((edge) => edge.node.code)).toContain(dossierOf40.code);
    expect(entity!.dossiers.edges.every((edge) => edge.node.province.code === "40")).toBe(true);
    expect(await stack.platformRequests()).toEqual({ "GET /procedures/v1/dossiers": 1 });
  });
});
