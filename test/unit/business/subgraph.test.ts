import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enterpriseCheckDigit } from "../../../common/identifiers.ts";
import { createBusinessSubgraph } from "../../../subgraphs/business/index.ts";
import type { EnterpriseRecord } from "../../../subgraphs/business/platform.ts";
import {
  ENTITIES_QUERY,
  listenAsPlatform,
  startTestSubgraph,
  type TestSubgraph,
} from "../../support/subgraph.ts";

const PLATFORM = "http://platform.test";
const API = `${PLATFORM}/business/v1`;
const NGHE_AN_COMMUNES = Array.from({ length: 130 }, (_, i) => String(40001 + i * 3).padStart(5, "0"));

/** The first valid enterprise code at or after a nine-digit prefix. */
function enterpriseCode(prefix: number): string {
  for (let p = prefix; ; p++) {
    const nine = String(p).padStart(9, "0");
    const check = enterpriseCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

const REPRESENTATIVE = "040085001234";

function enterprise(code: string, index: number, representativeId: string): EnterpriseRecord {
  return {
    code,
    name: `Công ty ${index}`,
    internationalName: null,
    legalForm: "JOINT_STOCK",
    status: "ACTIVE",
    foundedOn: "2020-01-15",
    charterCapitalVnd: 5_000_000_000,
    industry: { code: "6201", name: "Lập trình máy vi tính" },
    headOffice: { communeCode: "40001", provinceCode: "40", line: "Số 1 Lê Lợi" },
    representativeId,
  };
}

const ENTERPRISES = Array.from({ length: 5 }, (_, i) =>
  enterprise(enterpriseCode(290_000_100 + i * 10), i, i < 3 ? REPRESENTATIVE : "040190004321"),
);

function list(url: URL, name: string): string[] {
  return url.searchParams.get(name)?.split(",") ?? [];
}

const platformRequests: string[] = [];
const mock = setupServer(
  http.get(`${API}/stats`, ({ request }) => {
    const url = new URL(request.url);
    const codes = [...list(url, "provinces"), ...list(url, "communes")];
    return HttpResponse.json({
      items: codes.map((unitCode) => ({
        unitCode,
        total: 50,
        active: 40,
        suspended: 5,
        dissolved: 5,
        registeredThisYear: 3,
      })),
    });
  }),
  http.get(`${API}/enterprises`, ({ request }) => {
    const url = new URL(request.url);
    const ids = list(url, "ids");
    if (ids.length > 0) return HttpResponse.json({ items: ENTERPRISES.filter((e) => ids.includes(e.code)) });
    const representatives = list(url, "representative");
    const matching = ENTERPRISES.filter(
      (e) =>
        (representatives.length === 0 || representatives.includes(e.representativeId ?? "")) &&
        (!url.searchParams.has("province") || e.headOffice.provinceCode === url.searchParams.get("province")),
    );
    const offset = Number(url.searchParams.get("cursor") ?? "0");
    const limit = Number(url.searchParams.get("limit") ?? "50");
    const end = offset + limit;
    return HttpResponse.json({
      items: matching.slice(offset, end),
      totalCount: matching.length,
      nextCursor: end < matching.length ? String(end) : null,
    });
  }),
);

describe("business subgraph (platform mocked)", () => {
  let subgraph: TestSubgraph;

  beforeAll(async () => {
    listenAsPlatform(mock, PLATFORM, platformRequests, (url) => url.pathname + url.search);
    subgraph = await startTestSubgraph("business", createBusinessSubgraph, {
      PLATFORM_BASE_URL: PLATFORM,
      INTERNAL_CONTEXT_SECRET: "business-unit-test-secret",
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
    const query = ENTITIES_QUERY("... on Commune { code enterpriseStats { active total } }");
    const cold = await subgraph.query(query, { representations });
    expect(cold.errors).toBeUndefined();
    expect(cold.data?._entities).toHaveLength(130);
    expect(platformRequests).toHaveLength(1);
    expect(platformRequests[0]).toBe(`/business/v1/stats?communes=${NGHE_AN_COMMUNES.join(",")}`);
    expect(cold.headers.get("cache-control")).toBe("max-age=60, public");

    platformRequests.length = 0;
    const warm = await subgraph.query(query, { representations });
    expect(warm.data).toEqual(cold.data);
    expect(platformRequests).toEqual([]);
  });

  it("reads an enterprise with its industry, head office and representative reference", async () => {
    const code = ENTERPRISES[0]!.code;
    const result = await subgraph.query(
      `{ enterprise(code: "${code}") { code name status mainIndustry { code } headOffice { commune { code } line } legalRepresentative { id } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.enterprise).toEqual({
      code,
      name: "Công ty 0",
      status: "ACTIVE",
      mainIndustry: { code: "6201" },
      headOffice: { commune: { code: "40001" }, line: "Số 1 Lê Lợi" },
      legalRepresentative: { id: REPRESENTATIVE },
    });
    // The representative is a person: the answer becomes private.
    expect(result.headers.get("cache-control")).toBe("max-age=30, private");
    const registryOnly = await subgraph.query(`{ enterprise(code: "${code}") { name } }`);
    expect(registryOnly.headers.get("cache-control")).toBe("max-age=300, public");
  });

  it("hides the representative of an enterprise outside a limited caller's province", async () => {
    const query = `{ enterprise(code: "${ENTERPRISES[0]!.code}") { name legalRepresentative { id } } }`;
    const outside = await subgraph.query(query, {}, { scopes: ["population:read"], province: "01" });
    expect(outside.data?.enterprise).toEqual({ name: "Công ty 0", legalRepresentative: null });
    expect(outside.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    const inside = await subgraph.query(query, {}, { scopes: ["population:read"], province: "40" });
    expect(inside.data?.enterprise.legalRepresentative).toEqual({ id: REPRESENTATIVE });
  });

  it("batches Citizen.representedEnterprises of many citizens into one listing request", async () => {
    const result = await subgraph.query(
      ENTITIES_QUERY("... on Citizen { representedEnterprises { name } }"),
      {
        representations: [
          { __typename: "Citizen", id: REPRESENTATIVE },
          { __typename: "Citizen", id: "040190004321" },
          { __typename: "Citizen", id: "001090000777" },
        ],
      },
    );
    expect(result.data?._entities).toEqual([
      { representedEnterprises: [{ name: "Công ty 0" }, { name: "Công ty 1" }, { name: "Công ty 2" }] },
      { representedEnterprises: [{ name: "Công ty 3" }, { name: "Công ty 4" }] },
      { representedEnterprises: [] },
    ]);
    expect(platformRequests).toHaveLength(1);
    expect(platformRequests[0]).toContain("representative=040085001234,040190004321,001090000777");
  });

  it("pages the enterprises of a province with opaque cursors", async () => {
    const page = `query($after: String) { enterprises(filter: { provinceCode: "40" }, first: 2, after: $after) {
      totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`;
    const first = await subgraph.query(page);
    expect(first.data?.enterprises.totalCount).toBe(5);
    expect(first.data?.enterprises.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
      "Công ty 0",
      "Công ty 1",
    ]);
    expect(first.data?.enterprises.pageInfo.hasNextPage).toBe(true);
    const second = await subgraph.query(page, { after: first.data?.enterprises.pageInfo.endCursor });
    expect(second.data?.enterprises.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
      "Công ty 2",
      "Công ty 3",
    ]);
  });

  it("rejects malformed arguments with BAD_USER_INPUT naming them", async () => {
    const badCode = await subgraph.query(`{ enterprise(code: "0100109107") { name } }`);
    expect(badCode.errors?.[0]).toMatchObject({
      message: "code: '0100109107' is not a 10-digit enterprise code with a valid check digit",
      extensions: { code: "BAD_USER_INPUT" },
    });
    const noUnit = await subgraph.query(`{ enterprises(filter: { status: ACTIVE }) { totalCount } }`);
    expect(noUnit.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badCursor = await subgraph.query(
      `{ enterprises(filter: { provinceCode: "40" }, after: "nope") { totalCount } }`,
    );
    expect(badCursor.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badIndustry = await subgraph.query(
      `{ enterprises(filter: { provinceCode: "40", industryCode: "62010" }) { totalCount } }`,
    );
    expect(badIndustry.errors?.[0]).toMatchObject({
      message: "filter.industryCode: '62010' is not a 4-digit VSIC code",
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(platformRequests).toEqual([]);
  });

  it("takes nameContains of 2 to 100 characters, the rule every listing shares", async () => {
    const oneLetter = await subgraph.query(
      `{ enterprises(filter: { provinceCode: "40", nameContains: " y " }) { totalCount } }`,
    );
    expect(oneLetter.errors?.[0]).toMatchObject({
      message: "filter.nameContains: must be 2 to 100 characters",
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(platformRequests).toEqual([]);
    const twoLetters = await subgraph.query(
      `{ enterprises(filter: { provinceCode: "40", nameContains: " ty " }) { totalCount } }`,
    );
    expect(twoLetters.errors).toBeUndefined();
    expect(platformRequests).toHaveLength(1);
  });

  it("answers null for an unknown enterprise", async () => {
    const result = await subgraph.query(`{ enterprise(code: "${enterpriseCode(390_000_000)}") { name } }`);
    expect(result).toMatchObject({ data: { enterprise: null }, errors: undefined });
  });
});
