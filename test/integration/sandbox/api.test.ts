import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Answer, startSandbox } from "./client.ts";

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let get: (path: string) => Promise<Answer>;
/** The commune with the fewest citizens, so paging through it stays quick. */
let small: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  get = sandbox.get;
  const provinces = (await get("/reporting/v1/provinces")).body.items.map((p: { code: string }) => p.code);
  const communes: string[] = (
    await get(`/reporting/v1/communes?provinces=${provinces.join(",")}`)
  ).body.items.map((c: { code: string }) => c.code);
  expect(communes).toHaveLength(3321);
  let smallest = Number.POSITIVE_INFINITY;
  for (let k = 0; k < communes.length; k += 500) {
    const { body } = await get(`/population/v1/stats?communes=${communes.slice(k, k + 500).join(",")}`);
    for (const item of body.items) {
      if (item.total < smallest) {
        smallest = item.total;
        small = item.unitCode;
      }
    }
  }
});

afterAll(() => sandbox.sandbox.stop());

async function pageThrough(path: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  do {
    const { status, body } = await get(`${path}&limit=500${cursor ? `&cursor=${cursor}` : ""}`);
    expect(status).toBe(200);
    items.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return items;
}

describe("seed facts", () => {
  it("Resolution 57 nationwide: 3,430 assigned, 1,954 completed, 1,476 in progress", async () => {
    const { body } = await get("/reporting/v1/task-progress/national?program=RESOLUTION_57");
    expect(body).toMatchObject({
      program: "RESOLUTION_57",
      assigned: 3430,
      completed: 1954,
      inProgress: 1476,
    });
    const provinces = (await get("/reporting/v1/provinces")).body.items.map((p: { code: string }) => p.code);
    const each = (
      await get(`/reporting/v1/task-progress?program=RESOLUTION_57&provinces=${provinces.join(",")}`)
    ).body.items;
    expect(each.reduce((sum: number, item: { assigned: number }) => sum + item.assigned, 0)).toBe(3430);
  });

  it("Nghệ An: R57 100/51/49, PLAN_02 16/16 in the province and in every one of its 130 communes", async () => {
    const r57 = (await get("/reporting/v1/task-progress?program=RESOLUTION_57&provinces=40")).body.items[0];
    expect(r57).toMatchObject({ unitCode: "40", assigned: 100, completed: 51, inProgress: 49 });
    const plan = (await get("/reporting/v1/task-progress?program=PLAN_02&provinces=40")).body.items[0];
    expect(plan).toMatchObject({ assigned: 16, completed: 16, inProgress: 0 });
    const province = (await get("/reporting/v1/provinces/40")).body;
    expect(province.communeCount).toBe(130);
    const communes = (await get("/reporting/v1/communes?provinces=40")).body.items.map(
      (c: { code: string }) => c.code,
    );
    expect(communes).toHaveLength(130);
    const perCommune = (
      await get(`/reporting/v1/task-progress?program=PLAN_02&communes=${communes.join(",")}`)
    ).body.items;
    expect(perCommune).toHaveLength(130);
    for (const item of perCommune) expect(item).toMatchObject({ assigned: 16, completed: 16 });
    const listed = (
      await get("/reporting/v1/tasks?province=40&program=RESOLUTION_57&status=COMPLETED&limit=500")
    ).body;
    expect(listed.totalCount).toBe(51);
  });

  it("Nghệ An reuses 74% of data (2025)", async () => {
    const { body } = await get("/reporting/v1/indicators?provinces=40&year=2025");
    expect(
      body.items.find((item: { indicator: string }) => item.indicator === "DATA_REUSE_RATE"),
    ).toMatchObject({
      value: 74,
      year: 2025,
      unit: "percent",
    });
  });

  it("Lạng Sơn: R57 103/56/47, PLAN_02 23/21/2", async () => {
    const r57 = (await get("/reporting/v1/task-progress?program=RESOLUTION_57&provinces=20")).body.items[0];
    expect(r57).toMatchObject({ assigned: 103, completed: 56, inProgress: 47 });
    const plan = (await get("/reporting/v1/task-progress?program=PLAN_02&provinces=20")).body.items[0];
    expect(plan).toMatchObject({ assigned: 23, completed: 21, inProgress: 2 });
  });

  it("Đắk Lắk: 102 communes, 194 procedures under its Department of Science and Technology", async () => {
    expect((await get("/reporting/v1/provinces/66")).body.communeCount).toBe(102);
    expect((await get("/reporting/v1/communes?provinces=66")).body.items).toHaveLength(102);
    const counts = (await get("/procedures/v1/procedure-counts?provinces=66&agency=DOST")).body.items;
    expect(counts).toEqual([{ unitCode: "66", count: 194 }]);
    expect((await get("/procedures/v1/procedures?province=66&agency=DOST&limit=1")).body.totalCount).toBe(
      194,
    );
  });

  it("976 ministry-published procedures", async () => {
    expect((await get("/procedures/v1/procedures?limit=1")).body.totalCount).toBe(976);
  });

  it("rollout by 27 Jun 2025: 29/29/17/19/14/23/27 of 34, and five shared platforms per province", async () => {
    const { body } = await get("/reporting/v1/rollout");
    const counts = Object.fromEntries(
      body.items.map((item: { item: string; provincesCompleted: number }) => [
        item.item,
        item.provincesCompleted,
      ]),
    );
    expect(counts).toEqual({
      DATA_CENTER_INFRA: 29,
      PUBLIC_ADMIN_CENTER_NETWORK: 29,
      NEW_PROCEDURES_ANNOUNCED: 17,
      COMMUNE_PROCEDURE_INSTRUCTIONS: 19,
      PROCESSING_PROCEDURES_ISSUED: 14,
      SERVICE_POINT_ADDRESSES_ANNOUNCED: 23,
      HOTLINES_ANNOUNCED: 27,
    });
    for (const item of body.items) expect(item.provincesTotal).toBe(34);
    const deployments = (await get("/reporting/v1/platform-deployments?provinces=40")).body.items;
    expect(deployments.map((d: { platform: string }) => d.platform)).toEqual([
      "PROCEDURE_SETTLEMENT",
      "DOCUMENT_MANAGEMENT",
      "ONLINE_MEETING",
      "DATA_INTEGRATION_SHARING",
      "REPORTING",
    ]);
  });

  it("old Lào Cai (10): 2024 service index 85.59, rank 8 of 63, reachable from its successor", async () => {
    const { body } = await get("/reporting/v1/service-index?year=2024&units=10");
    expect(body.items[0]).toMatchObject({ year: 2024, unitCode: "10", score: 85.59, rank: 8, of: 63 });
    expect((await get("/reporting/v1/service-index?year=2024")).body.items).toHaveLength(63);
    expect((await get("/reporting/v1/service-index?year=2025")).body.items).toHaveLength(34);
    const legacy = (await get("/reporting/v1/legacy-units/10")).body;
    expect(legacy).toMatchObject({ level: "PROVINCE", successorProvinceCodes: ["15"] });
    const successor = (await get("/reporting/v1/provinces/15")).body;
    expect(successor.mergedFrom.map((old: { code: string }) => old.code)).toContain("10");
  });
});

describe("listings agree with statistics", () => {
  it("a commune's citizens and households page through exactly its totals", async () => {
    const stats = (await get(`/population/v1/stats?communes=${small}`)).body.items[0];
    const citizens = (await pageThrough(`/population/v1/citizens?commune=${small}`)) as {
      id: string;
      gender: string;
    }[];
    expect(citizens).toHaveLength(stats.total);
    expect(new Set(citizens.map((c) => c.id)).size).toBe(stats.total);
    expect(citizens.filter((c) => c.gender === "MALE")).toHaveLength(stats.male);
    const households = await pageThrough(`/population/v1/households?commune=${small}`);
    expect(households).toHaveLength(stats.households);
  });

  it("a province's population is the sum of its communes'", async () => {
    const communes = (await get("/reporting/v1/communes?provinces=20")).body.items.map(
      (c: { code: string }) => c.code,
    );
    const parts = (await get(`/population/v1/stats?communes=${communes.join(",")}`)).body.items;
    const province = (await get("/population/v1/stats?provinces=20")).body.items[0];
    expect(parts.reduce((sum: number, part: { total: number }) => sum + part.total, 0)).toBe(province.total);
  });

  it("a commune's enterprises and dossiers page through its statistics", async () => {
    const enterpriseStats = (await get(`/business/v1/stats?communes=${small}`)).body.items[0];
    const enterprises = (await pageThrough(`/business/v1/enterprises?commune=${small}`)) as {
      status: string;
    }[];
    expect(enterprises).toHaveLength(enterpriseStats.total);
    expect(enterprises.filter((e) => e.status === "ACTIVE")).toHaveLength(enterpriseStats.active);
    const active = (await get(`/business/v1/enterprises?commune=${small}&status=ACTIVE&limit=1`)).body
      .totalCount;
    expect(active).toBe(enterpriseStats.active);

    const dossierStats = (await get(`/procedures/v1/stats?communes=${small}`)).body.items[0];
    const listed = (await get(`/procedures/v1/dossiers?commune=${small}&limit=1`)).body.totalCount;
    expect(listed).toBe(dossierStats.received);
    const overdue = (await get(`/procedures/v1/dossiers?commune=${small}&overdue=true&limit=500`)).body;
    expect(overdue.totalCount).toBe(dossierStats.overdue);
    for (const dossier of overdue.items) expect(dossier.overdue).toBe(true);
  });

  it("dossier statistics over two halves of a period add up to the whole", async () => {
    const [whole, first, second] = await Promise.all(
      ["from=2025-01-01&to=2025-06-30", "from=2025-01-01&to=2025-03-31", "from=2025-04-01&to=2025-06-30"].map(
        async (range) => (await get(`/procedures/v1/stats?provinces=40&${range}`)).body.items[0],
      ),
    );
    for (const field of ["received", "resolved", "resolvedOnTime", "resolvedLate", "inProgress", "overdue"]) {
      expect(first[field] + second[field]).toBe(whole[field]);
    }
    const listed = (
      await get("/procedures/v1/dossiers?province=40&receivedFrom=2025-04-01&receivedTo=2025-06-30&limit=1")
    ).body;
    expect(listed.totalCount).toBe(second.received);
  });

  it("reports the dossier rates the procedure system measured as this year's indicators", async () => {
    for (const unit of ["provinces=40", `communes=${small}`]) {
      const stats = (await get(`/procedures/v1/stats?${unit}&from=2025-01-01&to=2025-11-13`)).body.items[0];
      const indicators = (await get(`/reporting/v1/indicators?${unit}&year=2025`)).body.items;
      const value = (name: string) =>
        indicators.find((item: { indicator: string }) => item.indicator === name).value;
      expect(value("ON_TIME_RATE")).toBe(stats.onTimeRate);
      expect(value("ONLINE_SUBMISSION_RATE")).toBe(stats.onlineRate);
      expect(value("DIGITIZED_DOSSIER_RATE")).toBe(stats.digitizedRate);
    }
  });

  it("finds enterprises by representative and dossiers by applicant", async () => {
    const enterprise = (await get("/business/v1/enterprises?province=40&limit=1")).body.items[0];
    const byRepresentative = (
      await get(`/business/v1/enterprises?representative=${enterprise.representativeId}`)
    ).body;
    expect(byRepresentative.items.map((e: { code: string }) => e.code)).toContain(enterprise.code);
    const representative = (await get(`/population/v1/citizens/${enterprise.representativeId}`)).body;
    expect(representative.permanentResidence.provinceCode).toBe("40");

    const dossiers = (await get("/procedures/v1/dossiers?province=40&limit=50")).body.items;
    for (const kind of ["CITIZEN", "ENTERPRISE"]) {
      const dossier = dossiers.find((d: { applicant: { kind: string } }) => d.applicant.kind === kind);
      expect(dossier, kind).toBeDefined();
      const mine = (await get(`/procedures/v1/dossiers?applicant=${dossier.applicant.id}`)).body;
      expect(mine.items.map((d: { code: string }) => d.code)).toContain(dossier.code);
      for (const other of mine.items) expect(other.applicant).toEqual(dossier.applicant);
    }
  });

  it("answers batches in request order, without unknown ids, duplicates collapsed", async () => {
    const listed = (await get(`/population/v1/citizens?commune=${small}&limit=3`)).body.items.map(
      (c: { id: string }) => c.id,
    );
    const unknown = "040299000000";
    const { body } = await get(
      `/population/v1/citizens?ids=${listed[2]},${unknown},${listed[0]},${listed[2]}`,
    );
    expect(body.items.map((c: { id: string }) => c.id)).toEqual([listed[2], listed[0]]);
  });
});

describe("bad input", () => {
  const problem = async (path: string, status: number, detail: RegExp) => {
    const answer = await get(path);
    expect(answer.status, path).toBe(status);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: "about:blank", status });
    expect(answer.body.detail).toMatch(detail);
  };

  it("answers 400 naming the first malformed id, too many ids, unknown or repeated parameters", async () => {
    await problem(
      "/population/v1/citizens?ids=040085001234,12ab",
      400,
      /'12ab' is not a 12-digit personal identification number/,
    );
    await problem(
      "/business/v1/enterprises?ids=0100109107",
      400,
      /'0100109107' is not a 10-digit enterprise code/,
    );
    const tooMany = Array.from({ length: 501 }, (_, k) => `0400850${String(k).padStart(5, "0")}`).join(",");
    await problem(`/population/v1/citizens?ids=${tooMany}`, 400, /at most 500/);
    await problem("/population/v1/citizens?commune=16681&foo=1", 400, /unknown parameter 'foo'/);
    await problem("/population/v1/stats?communes=16681&communes=16684", 400, /more than once/);
    await problem("/population/v1/citizens?commune=16681&limit=0", 400, /limit/);
    await problem("/population/v1/citizens?commune=16681&cursor=nonsense", 400, /cursor/);
    await problem(
      "/procedures/v1/stats?provinces=40&from=2025-02-30",
      400,
      /from: '2025-02-30' is not a date/,
    );
    await problem("/reporting/v1/task-progress?provinces=40", 400, /program: required/);
    await problem("/reporting/v1/task-progress?program=PLAN_99&provinces=40", 400, /program/);
    await problem("/procedures/v1/dossiers?status=RESOLVED", 400, /required/);
  });

  it("answers 404 for unknown single records and paths, 400 for malformed ones", async () => {
    await problem("/population/v1/citizens/040299000000", 404, /040299000000/);
    await problem("/population/v1/citizens/0402990", 400, /not a 12-digit/);
    await problem("/business/v1/enterprises/0000000200", 404, /no record/);
    await problem("/procedures/v1/procedures/1.999999", 404, /no record/);
    await problem("/reporting/v1/provinces/99", 404, /no record/);
    await problem("/reporting/v1/tasks/R57-40-9999", 404, /no record/);
    await problem("/nowhere", 404, /no endpoint/);
  });
});

describe("control endpoints", () => {
  it("count platform requests per route template, and reset", async () => {
    expect((await sandbox.call("POST", "/_sandbox/stats/reset")).status).toBe(204);
    await get("/population/v1/citizens/040299000000");
    await get("/population/v1/citizens/040299000001");
    await get("/reporting/v1/provinces");
    await get("/health");
    const { body } = await get("/_sandbox/stats");
    expect(body).toEqual({
      total: 3,
      byEndpoint: { "GET /population/v1/citizens/{id}": 2, "GET /reporting/v1/provinces": 1 },
      requests: [
        {
          endpoint: "GET /population/v1/citizens/{id}",
          startMs: expect.any(Number),
          endMs: expect.any(Number),
        },
        {
          endpoint: "GET /population/v1/citizens/{id}",
          startMs: expect.any(Number),
          endMs: expect.any(Number),
        },
        { endpoint: "GET /reporting/v1/provinces", startMs: expect.any(Number), endMs: expect.any(Number) },
      ],
    });
    // The log is what the cold-path floor is computed from: each call answered after it arrived, in arrival order.
    const requests = body.requests as { startMs: number; endMs: number }[];
    for (const [i, request] of requests.entries()) {
      expect(request.endMs).toBeGreaterThanOrEqual(request.startMs);
      if (i > 0) expect(request.startMs).toBeGreaterThanOrEqual(requests[i - 1]!.startMs);
    }
  });

  it("inject latency, outages and errors, and reject malformed settings", async () => {
    try {
      const slow = await sandbox.call("PUT", "/_sandbox/faults", { latencyMs: 300 });
      expect(slow.body).toMatchObject({ latencyMs: 300, jitterMs: 0, errorRate: 0 });
      expect((await get("/reporting/v1/provinces/40")).ms).toBeGreaterThanOrEqual(295);
      // Control routes are never slowed down, so tests and health checks stay fast.
      expect((await get("/health")).ms).toBeLessThan(295);

      await sandbox.call("PUT", "/_sandbox/faults", { latencyMs: 0, outage: { population: true } });
      const down = await get("/population/v1/stats?provinces=40");
      expect(down.status).toBe(503);
      expect(down.contentType).toMatch(/problem\+json/);
      expect((await get("/reporting/v1/provinces/40")).status).toBe(200);
      expect((await get("/_sandbox/faults")).body.outage).toEqual({
        population: true,
        business: false,
        procedures: false,
        reporting: false,
      });

      await sandbox.call("PUT", "/_sandbox/faults", { outage: { population: false }, errorRate: 1 });
      expect((await get("/business/v1/industries")).status).toBe(503);

      const bad = await sandbox.call("PUT", "/_sandbox/faults", { errorRate: 2 });
      expect(bad.status).toBe(400);
      expect(bad.body.detail).toMatch(/errorRate/);
      expect((await sandbox.call("PUT", "/_sandbox/faults", { outage: { mail: true } })).status).toBe(400);
    } finally {
      await sandbox.call("PUT", "/_sandbox/faults", {
        latencyMs: 0,
        jitterMs: 0,
        errorRate: 0,
        outage: { population: false, business: false, procedures: false, reporting: false },
      });
    }
    expect((await get("/business/v1/industries")).status).toBe(200);
  });
});
