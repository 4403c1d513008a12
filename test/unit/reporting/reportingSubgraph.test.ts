import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createReportingSubgraph } from "../../../subgraphs/reporting/index.ts";
import { NGHE_AN_COMMUNES, reportingHandlers } from "./reportingPlatform.mock.ts";
import { type RunningSubgraph, startSubgraph } from "./subgraphHarness.ts";

const msw = setupServer(...reportingHandlers);
let subgraph: RunningSubgraph;

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: "bypass" });
  subgraph = await startSubgraph("reporting", createReportingSubgraph, msw);
});

afterAll(async () => {
  await subgraph.stop();
  msw.close();
});

beforeEach(() => subgraph.resetPlatformRequests());

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Commune {
        code
        name
        type
        province { code name }
        taskProgress(program: PLAN_02) { assigned completed completionRate }
      }
    }
  }
`;

describe("reporting subgraph: batching and the record cache", () => {
  it("resolves 130 Commune references with one platform request per record kind, then from the cache", async () => {
    const representations = NGHE_AN_COMMUNES.map((c) => ({ __typename: "Commune", code: c.code }));

    const cold = await subgraph.query(ENTITIES, { representations });
    expect(cold.body.errors).toBeUndefined();
    const entities = cold.body.data?._entities as Array<{ code: string; province: { name: string } }>;
    expect(entities).toHaveLength(130);
    expect(entities.map((e) => e.code)).toEqual(NGHE_AN_COMMUNES.map((c) => c.code));
    expect(entities[0]?.province.name).toBe("Nghệ An");
    const paths = subgraph.platformRequests().map((r) => r.split("?")[0]);
    expect(paths.sort()).toEqual([
      "GET /reporting/v1/communes",
      "GET /reporting/v1/provinces",
      "GET /reporting/v1/task-progress",
    ]);

    subgraph.resetPlatformRequests();
    const warm = await subgraph.query(ENTITIES, { representations });
    expect(warm.body).toEqual(cold.body);
    expect(subgraph.platformRequests()).toEqual([]);
  });

  it("answers a province's communes and their task progress with one listing and one statistics call", async () => {
    const result = await subgraph.query(`{
      province(code: "40") {
        communeCount
        wards: communes(type: WARD) { code }
        communes { code taskProgress(program: RESOLUTION_57) { assigned completionRate } }
      }
    }`);
    expect(result.body.errors).toBeUndefined();
    const province = result.body.data?.province as {
      communeCount: number;
      communes: unknown[];
      wards: unknown[];
    };
    expect(province.communeCount).toBe(130);
    expect(province.communes).toHaveLength(130);
    expect(province.wards).toHaveLength(13);
    const paths = subgraph.platformRequests().map((r) => r.split("?")[0]);
    expect(paths.filter((p) => p === "GET /reporting/v1/task-progress")).toHaveLength(1);
    expect(paths.filter((p) => p === "GET /reporting/v1/communes")).toHaveLength(2);
  });

  it("answers two programmes of the province and its communes with one task-progress call", async () => {
    const result = await subgraph.query(`{
      province(code: "40") {
        r57: taskProgress(program: RESOLUTION_57) { assigned completed }
        plan02: taskProgress(program: PLAN_02) { assigned }
        communes { code plan02: taskProgress(program: PLAN_02) { assigned } }
      }
    }`);
    expect(result.body.errors).toBeUndefined();
    const province = result.body.data?.province as {
      r57: { assigned: number; completed: number };
      plan02: { assigned: number };
      communes: { plan02: { assigned: number } }[];
    };
    expect(province.r57).toEqual({ assigned: 100, completed: 51 });
    expect(province.communes.every((commune) => commune.plan02.assigned === 16)).toBe(true);
    const calls = subgraph.platformRequests().filter((r) => r.startsWith("GET /reporting/v1/task-progress?"));
    expect(calls).toHaveLength(1);
    expect(decodeURIComponent(calls[0]!)).toContain("program=RESOLUTION_57,PLAN_02");
  });
});

describe("reporting subgraph: figures", () => {
  it("computes the completion rate with 2 decimals and marks figures fresh for 60 s", async () => {
    const result = await subgraph.query(
      "{ nationalTaskProgress(program: RESOLUTION_57) { assigned completed inProgress completionRate } }",
    );
    expect(result.body.data?.nationalTaskProgress).toEqual({
      assigned: 3430,
      completed: 1954,
      inProgress: 1476,
      completionRate: 56.97,
    });
    expect(result.headers.get("cache-control")).toBe("max-age=60, public");
  });

  it("marks administrative units fresh for a day", async () => {
    const result = await subgraph.query('{ province(code: "40") { name mergedFrom { code part } } }');
    expect(result.body.data?.province).toEqual({
      name: "Nghệ An",
      mergedFrom: [{ code: "40", part: "FULL" }],
    });
    expect(result.headers.get("cache-control")).toBe("max-age=86400, public");
  });

  it("answers a pre-2025 index for the legacy unit and through the successor's mergedFrom, not for the new code", async () => {
    const result = await subgraph.query(`{
      legacyUnit(code: "10") { name level successorProvinces { code } serviceIndex(year: 2024) { score rank of } }
      province(code: "15") {
        serviceIndex(year: 2024) { score }
        mergedFrom { code serviceIndex(year: 2024) { unitName score rank of } }
      }
      unchanged: province(code: "01") { serviceIndex(year: 2024) { score } }
    }`);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.legacyUnit).toEqual({
      name: "Tỉnh Lào Cai",
      level: "PROVINCE",
      successorProvinces: [{ code: "15" }],
      serviceIndex: { score: 85.59, rank: 8, of: 63 },
    });
    expect(result.body.data?.province).toEqual({
      serviceIndex: null,
      mergedFrom: [
        { code: "10", serviceIndex: { unitName: "Tỉnh Lào Cai", score: 85.59, rank: 8, of: 63 } },
        { code: "15", serviceIndex: { unitName: "Tỉnh Yên Bái", score: 80.02, rank: 20, of: 63 } },
      ],
    });
    expect(result.body.data?.unchanged).toEqual({ serviceIndex: { score: 90.1 } });
  });

  it("pages through a province's tasks with opaque cursors", async () => {
    const page = `query ($after: String) {
      province(code: "40") { tasks(first: 20, after: $after) {
        totalCount edges { cursor node { id commune { code } } } pageInfo { hasNextPage endCursor }
      } }
    }`;
    const seen: string[] = [];
    let after: string | null = null;
    const pageSizes: number[] = [];
    for (;;) {
      const result = await subgraph.query(page, { after });
      expect(result.body.errors).toBeUndefined();
      const province = result.body.data?.province as { tasks: TaskPage };
      const { tasks } = province;
      expect(tasks.totalCount).toBe(45);
      pageSizes.push(tasks.edges.length);
      seen.push(...tasks.edges.map((e) => e.node.id));
      if (!tasks.pageInfo.hasNextPage) break;
      after = tasks.pageInfo.endCursor;
    }
    expect(pageSizes).toEqual([20, 20, 5]);
    expect(new Set(seen).size).toBe(45);
  });

  it("reads indicators of a year and the platform deployments", async () => {
    const result = await subgraph.query(`{ province(code: "40") {
      indicators(year: 2025) { indicator year value unit }
      platformDeployments { platform status since }
    } }`);
    expect(result.body.data?.province).toEqual({
      indicators: [{ indicator: "DATA_REUSE_RATE", year: 2025, value: 74, unit: "percent" }],
      platformDeployments: [{ platform: "REPORTING", status: "DEPLOYED", since: "2025-07-01" }],
    });
  });
});

interface TaskPage {
  totalCount: number;
  edges: Array<{ cursor: string; node: { id: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe("reporting subgraph: arguments", () => {
  it.each([
    ['{ province(code: "4") { name } }', "code: '4' is not a 2-digit province code"],
    ['{ commune(code: "4001") { name } }', "code: '4001' is not a 5-digit commune code"],
    [
      '{ legacyUnit(code: "abc") { name } }',
      "code: 'abc' is neither a 2-digit province code nor a 5-digit commune code",
    ],
    ["{ serviceIndexRanking(year: 1800) { score } }", "year: 1800 is not a year between 2000 and 2100"],
    ['{ province(code: "40") { tasks(first: 101) { totalCount } } }', "first: 101 is outside 0..100"],
    [
      '{ province(code: "40") { tasks(after: "nope") { totalCount } } }',
      "after: not a cursor returned by this connection",
    ],
  ])("%s → BAD_USER_INPUT", async (query, message) => {
    const result = await subgraph.query(query);
    expect(result.status).toBe(200);
    expect(result.body.errors).toEqual([
      expect.objectContaining({ message, extensions: { code: "BAD_USER_INPUT" } }),
    ]);
    expect(subgraph.platformRequests()).toEqual([]);
  });

  it("answers a Task reference the platform's rule refuses with null, without asking the platform", async () => {
    const result = await subgraph.query(
      "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id } } }",
      { r: [{ __typename: "Task", id: "R57-40-1" }] },
    );
    expect(result.body).toEqual({ data: { _entities: [null] } });
    expect(subgraph.platformRequests()).toEqual([]);
  });

  it("answers an unknown code with null and no error", async () => {
    const result = await subgraph.query('{ province(code: "99") { name } commune(code: "99999") { name } }');
    expect(result.body).toEqual({ data: { province: null, commune: null } });
  });
});
