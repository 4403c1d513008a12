import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createReportingSubgraph } from "../../../subgraphs/reporting/index.ts";
import { rootField, type Stack, startStack } from "./reportingProceduresHarness.ts";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack("reporting", createReportingSubgraph);
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  await stack.resetPlatformRequests();
});

describe("reporting subgraph over the sandbox: seed facts", () => {
  it("reproduces the national Resolution 57 progress", async () => {
    const body = await stack.query(
      "{ nationalTaskProgress(program: RESOLUTION_57) { program assigned completed inProgress completionRate } }",
    );
    expect(body).toEqual({
      data: {
        nationalTaskProgress: {
          program: "RESOLUTION_57",
          assigned: 3430,
          completed: 1954,
          inProgress: 1476,
          completionRate: 56.97,
        },
      },
    });
  });

  it("gives Nghệ An its 130 communes and Resolution 57 figures", async () => {
    const body = await stack.query(`{ province(code: "40") {
      name communeCount communes { code province { code } }
      taskProgress(program: RESOLUTION_57) { assigned completed inProgress }
      indicators(year: 2025) { indicator value unit }
    } }`);
    expect(body.errors).toBeUndefined();
    const province = body.data?.province as {
      name: string;
      communeCount: number;
      communes: Array<{ province: { code: string } }>;
      taskProgress: unknown;
      indicators: Array<{ indicator: string; value: number }>;
    };
    expect(province.name).toBe("Nghệ An");
    expect(province.communeCount).toBe(130);
    expect(province.communes).toHaveLength(130);
    expect(province.communes.every((c) => c.province.code === "40")).toBe(true);
    expect(province.taskProgress).toEqual({ assigned: 100, completed: 51, inProgress: 49 });
    expect(province.indicators).toContainEqual({ indicator: "DATA_REUSE_RATE", value: 74, unit: "percent" });
  });

  it("gives Lạng Sơn's Plan 02 progress and Đắk Lắk's 102 communes", async () => {
    const body = await stack.query(`{
      langSon: province(code: "20") { taskProgress(program: PLAN_02) { assigned completed inProgress } }
      dakLak: province(code: "66") { communeCount communes { code } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.langSon).toEqual({ taskProgress: { assigned: 23, completed: 21, inProgress: 2 } });
    const dakLak = body.data?.dakLak as { communeCount: number; communes: unknown[] };
    expect(dakLak.communeCount).toBe(102);
    expect(dakLak.communes).toHaveLength(102);
  });

  it("reproduces the rollout of 27 Jun 2025", async () => {
    const body = await stack.query("{ platformRollout { item provincesCompleted provincesTotal } }");
    const items = body.data?.platformRollout as Array<{
      item: string;
      provincesCompleted: number;
      provincesTotal: number;
    }>;
    expect(Object.fromEntries(items.map((i) => [i.item, i.provincesCompleted]))).toEqual({
      DATA_CENTER_INFRA: 29,
      PUBLIC_ADMIN_CENTER_NETWORK: 29,
      NEW_PROCEDURES_ANNOUNCED: 17,
      COMMUNE_PROCEDURE_INSTRUCTIONS: 19,
      PROCESSING_PROCEDURES_ISSUED: 14,
      SERVICE_POINT_ADDRESSES_ANNOUNCED: 23,
      HOTLINES_ANNOUNCED: 27,
    });
    expect(items.every((i) => i.provincesTotal === 34)).toBe(true);
  });

  it("answers old Lào Cai's 2024 index for the legacy unit, from its successor and in the ranking", async () => {
    const score = { unitCode: "10", score: 85.59, rank: 8, of: 63 };
    const body = await stack.query(`{
      legacyUnit(code: "10") { level successorProvinces { code name } serviceIndex(year: 2024) { unitCode score rank of } }
      province(code: "15") { mergedFrom { code level part serviceIndex(year: 2024) { unitCode score rank of } } }
      serviceIndexRanking(year: 2024) { unitCode score rank of }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.legacyUnit).toEqual({
      level: "PROVINCE",
      successorProvinces: [{ code: "15", name: "Lào Cai" }],
      serviceIndex: score,
    });
    const mergedFrom = rootField<{ mergedFrom: Array<{ code: string }> }>(body, "province").mergedFrom;
    expect(mergedFrom.find((unit) => unit.code === "10")).toEqual({
      code: "10",
      level: "PROVINCE",
      part: "FULL",
      serviceIndex: score,
    });
    const ranking = body.data?.serviceIndexRanking as Array<{ unitCode: string }>;
    expect(ranking).toHaveLength(63);
    expect(ranking.find((entry) => entry.unitCode === "10")).toEqual(score);
  });
});

describe("reporting subgraph over the sandbox: entities and the record cache", () => {
  const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
    ... on Commune { code name type mergedFrom { code part } province { code } taskProgress(program: PLAN_02) { assigned completionRate } }
  } }`;

  it("resolves all Nghệ An communes by reference with one request per record kind, then from Redis", async () => {
    const listing = await stack.query('{ province(code: "40") { communes { code } } }');
    const codes = rootField<{ communes: Array<{ code: string }> }>(listing, "province").communes.map(
      (c) => c.code,
    );
    const representations = codes.map((code) => ({ __typename: "Commune", code }));
    await stack.resetPlatformRequests();

    const cold = await stack.query(ENTITIES, { r: representations });
    expect(cold.errors).toBeUndefined();
    expect(cold.data?._entities).toHaveLength(130);
    expect(await stack.platformRequests()).toEqual({
      "GET /reporting/v1/communes": 1,
      "GET /reporting/v1/task-progress": 1,
    });

    await stack.resetPlatformRequests();
    const warm = await stack.query(ENTITIES, { r: representations });
    expect(warm).toEqual(cold);
    expect(await stack.platformRequests()).toEqual({});
  });

  it("resolves a Task and a Province by reference", async () => {
    const page = await stack.query('{ province(code: "40") { tasks(first: 1) { edges { node { id } } } } }');
    const id = rootField<{ tasks: { edges: Array<{ node: { id: string } }> } }>(page, "province").tasks
      .edges[0]?.node.id;
    const body = await stack.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) {
        ... on Task { id program province { code } }
        ... on Province { code name }
      } }`,
      {
        r: [
          { __typename: "Task", id },
          { __typename: "Province", code: "66" },
        ],
      },
    );
    expect(body).toEqual({
      data: {
        _entities: [
          { id, program: expect.any(String), province: { code: "40" } },
          { code: "66", name: "Đắk Lắk" },
        ],
      },
    });
  });
});
