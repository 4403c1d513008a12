import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBusinessSubgraph } from "../../../subgraphs/business/index.ts";
import type { EnterpriseRecord, EnterpriseStatsRecord } from "../../../subgraphs/business/platform.ts";
import { assertRedisReachable, redisUrl, uniqueRedisPrefix } from "../../support/index.ts";
import { startTestSandbox, type TestSandbox } from "../../support/sandbox.ts";
import { ENTITIES_QUERY, startTestSubgraph, type TestSubgraph } from "../../support/subgraph.ts";

interface Page<T> {
  items: T[];
  totalCount?: number;
}

describe("business subgraph against the sandbox and Redis", () => {
  let sandbox: TestSandbox;
  let subgraph: TestSubgraph;
  let ngheAnCommunes: string[];
  let ngheAnStats: EnterpriseStatsRecord;
  let enterprise: EnterpriseRecord;

  beforeAll(async () => {
    await assertRedisReachable();
    sandbox = await startTestSandbox();
    subgraph = await startTestSubgraph("business", createBusinessSubgraph, {
      PLATFORM_BASE_URL: sandbox.url,
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: uniqueRedisPrefix("business"),
      INTERNAL_CONTEXT_SECRET: "business-integration-secret",
    });
    ngheAnCommunes = (
      await sandbox.get<Page<{ code: string }>>("/reporting/v1/communes?provinces=40")
    ).items.map((c) => c.code);
    ngheAnStats = (await sandbox.get<Page<EnterpriseStatsRecord>>("/business/v1/stats?provinces=40"))
      .items[0]!;
    enterprise = (await sandbox.get<Page<EnterpriseRecord>>("/business/v1/enterprises?province=40&limit=1"))
      .items[0]!;
  });
  afterAll(async () => {
    await subgraph?.stop();
    await sandbox?.stop();
  });
  beforeEach(async () => {
    await sandbox.resetStats();
  });

  it("resolves Nghệ An's 130 communes in one platform request, then from the record cache", async () => {
    expect(ngheAnCommunes).toHaveLength(130);
    const query = ENTITIES_QUERY("... on Commune { enterpriseStats { total active } }");
    const representations = ngheAnCommunes.map((code) => ({ __typename: "Commune", code }));
    const cold = await subgraph.query(query, { representations });
    expect(cold.errors).toBeUndefined();
    const entities = (cold.data?._entities ?? []) as Array<{ enterpriseStats: { total: number } }>;
    expect(entities.reduce((sum, e) => sum + e.enterpriseStats.total, 0)).toBe(ngheAnStats.total);
    expect((await sandbox.stats()).byEndpoint).toEqual({ "GET /business/v1/stats": 1 });

    await sandbox.resetStats();
    const warm = await subgraph.query(query, { representations });
    expect(warm.data).toEqual(cold.data);
    expect((await sandbox.stats()).total).toBe(0);
  });

  it("answers Province.enterpriseStats and the enterprises of a province", async () => {
    const stats = await subgraph.query(
      ENTITIES_QUERY("... on Province { enterpriseStats { total active } }"),
      {
        representations: [{ __typename: "Province", code: "40" }],
      },
    );
    expect(stats.data?._entities).toEqual([
      { enterpriseStats: { total: ngheAnStats.total, active: ngheAnStats.active } },
    ]);
    const list = await subgraph.query(
      `{ enterprises(filter: { provinceCode: "40" }, first: 3) { totalCount edges { node { code } } pageInfo { hasNextPage } } }`,
    );
    expect(list.data?.enterprises.totalCount).toBe(ngheAnStats.total);
    expect(list.data?.enterprises.edges[0].node.code).toBe(enterprise.code);
    expect(list.data?.enterprises.pageInfo.hasNextPage).toBe(true);
  });

  it("reads an enterprise and links its representative both ways", async () => {
    const result = await subgraph.query(
      `query($code: ID!) { enterprise(code: $code) { name status headOffice { commune { code } } legalRepresentative { id } } }`,
      { code: enterprise.code },
    );
    expect(result.data?.enterprise).toEqual({
      name: enterprise.name,
      status: enterprise.status,
      headOffice: { commune: { code: enterprise.headOffice.communeCode } },
      legalRepresentative: { id: enterprise.representativeId },
    });
    const represented = await subgraph.query(
      ENTITIES_QUERY("... on Citizen { representedEnterprises { code } }"),
      {
        representations: [{ __typename: "Citizen", id: enterprise.representativeId }],
      },
    );
    expect(represented.data?._entities[0].representedEnterprises).toContainEqual({ code: enterprise.code });
  });

  it("resolves Enterprise references in one batch request", async () => {
    const page = await sandbox.get<Page<EnterpriseRecord>>("/business/v1/enterprises?province=40&limit=50");
    await sandbox.resetStats();
    const result = await subgraph.query(ENTITIES_QUERY("... on Enterprise { code name }"), {
      representations: page.items.map((e) => ({ __typename: "Enterprise", code: e.code })),
    });
    expect(result.data?._entities).toEqual(page.items.map((e) => ({ code: e.code, name: e.name })));
    expect((await sandbox.stats()).byEndpoint).toEqual({ "GET /business/v1/enterprises": 1 });
  });
});
