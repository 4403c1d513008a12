import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "./client.ts";
import { validate } from "./json-schema.ts";

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is walked generically
let doc: any;

beforeAll(async () => {
  sandbox = await startSandbox();
  doc = (await sandbox.get("/openapi.json")).body;
});

afterAll(() => sandbox.sandbox.stop());

/** Real requests, at least one per documented operation, resolved against records that exist. */
async function exercises(): Promise<{ method: string; template: string; path: string; body?: unknown }[]> {
  const { get } = sandbox;
  const citizen = (await get("/population/v1/citizens?commune=16681&limit=1")).body.items[0];
  const enterprise = (await get("/business/v1/enterprises?commune=16681&limit=1")).body.items[0];
  const dossier = (await get("/procedures/v1/dossiers?province=40&limit=1")).body.items[0];
  const procedure = (await get("/procedures/v1/procedures?limit=1")).body.items[0];
  const at = (template: string, path: string, method = "GET", body?: unknown) => ({
    method,
    template,
    path,
    body,
  });
  return [
    at("/health", "/health"),
    at("/_sandbox/stats", "/_sandbox/stats"),
    at("/_sandbox/stats/reset", "/_sandbox/stats/reset", "POST"),
    at("/_sandbox/faults", "/_sandbox/faults"),
    at("/_sandbox/faults", "/_sandbox/faults", "PUT", { latencyMs: 0 }),
    at("/population/v1/citizens", `/population/v1/citizens?ids=${citizen.id}`),
    at("/population/v1/citizens", "/population/v1/citizens?commune=16681&limit=20"),
    at("/population/v1/citizens/{id}", `/population/v1/citizens/${citizen.id}`),
    at("/population/v1/households", `/population/v1/households?ids=${citizen.householdId}`),
    at("/population/v1/households", "/population/v1/households?commune=16681&limit=5"),
    at("/population/v1/households/{id}", `/population/v1/households/${citizen.householdId}`),
    at("/population/v1/stats", "/population/v1/stats?provinces=40&communes=16681"),
    at("/business/v1/enterprises", `/business/v1/enterprises?ids=${enterprise.code}`),
    at(
      "/business/v1/enterprises",
      "/business/v1/enterprises?province=40&status=ACTIVE&nameContains=xay%20dung&limit=20",
    ),
    at("/business/v1/enterprises/{code}", `/business/v1/enterprises/${enterprise.code}`),
    at("/business/v1/stats", "/business/v1/stats?provinces=40&communes=16681&year=2024"),
    at("/business/v1/industries", "/business/v1/industries"),
    at("/procedures/v1/procedures", `/procedures/v1/procedures?ids=${procedure.code}`),
    at("/procedures/v1/procedures", "/procedures/v1/procedures?level=COMMUNE&province=40&limit=30"),
    at("/procedures/v1/procedures/{code}", `/procedures/v1/procedures/${procedure.code}`),
    at("/procedures/v1/procedure-counts", "/procedures/v1/procedure-counts?provinces=66,40&agency=DOST"),
    at("/procedures/v1/dossiers", `/procedures/v1/dossiers?ids=${dossier.code}`),
    at("/procedures/v1/dossiers", "/procedures/v1/dossiers?commune=16681&status=PROCESSING&limit=30"),
    at("/procedures/v1/dossiers", "/procedures/v1/dossiers?province=40&receivedFrom=2025-11-01&limit=100"),
    at("/procedures/v1/dossiers/{code}", `/procedures/v1/dossiers/${dossier.code}`),
    at(
      "/procedures/v1/stats",
      "/procedures/v1/stats?provinces=40&communes=16681&from=2025-01-01&to=2025-11-13",
    ),
    at("/reporting/v1/provinces", "/reporting/v1/provinces"),
    at("/reporting/v1/provinces/{code}", "/reporting/v1/provinces/40"),
    at("/reporting/v1/communes", "/reporting/v1/communes?provinces=40&type=WARD"),
    at("/reporting/v1/communes", "/reporting/v1/communes?ids=16681,00004"),
    at("/reporting/v1/communes/{code}", "/reporting/v1/communes/16681"),
    at("/reporting/v1/legacy-units", "/reporting/v1/legacy-units?ids=10,00004"),
    at("/reporting/v1/legacy-units/{code}", "/reporting/v1/legacy-units/00004"),
    at(
      "/reporting/v1/task-progress",
      "/reporting/v1/task-progress?program=PLAN_02&provinces=40&communes=16681",
    ),
    at("/reporting/v1/task-progress/national", "/reporting/v1/task-progress/national?program=PROJECT_06"),
    at("/reporting/v1/tasks", "/reporting/v1/tasks?province=40&limit=200"),
    at("/reporting/v1/tasks", "/reporting/v1/tasks?ids=R57-40-0001,P02-16681-0001"),
    at("/reporting/v1/tasks/{id}", "/reporting/v1/tasks/R57-20-0003"),
    at("/reporting/v1/platform-deployments", "/reporting/v1/platform-deployments?provinces=01,40"),
    at("/reporting/v1/rollout", "/reporting/v1/rollout"),
    at("/reporting/v1/rollout", "/reporting/v1/rollout?provinces=01,40"),
    at("/reporting/v1/indicators", "/reporting/v1/indicators?provinces=40&communes=16681"),
    at("/reporting/v1/service-index", "/reporting/v1/service-index?year=2024"),
    at("/reporting/v1/service-index", "/reporting/v1/service-index?year=2025&units=40,01"),
  ];
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with uniquely named operations that name their parameters", () => {
    expect(doc.openapi).toBe("3.1.0");
    const operationIds = Object.values(doc.paths).flatMap((operations) =>
      Object.values(operations as Record<string, { operationId: string }>).map(
        (operation) => operation.operationId,
      ),
    );
    expect(new Set(operationIds).size).toBe(operationIds.length);
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const operation of Object.values(
        operations as Record<string, { parameters: { in: string; name: string }[] }>,
      )) {
        const inPath = operation.parameters.filter((p) => p.in === "path").map((p) => `{${p.name}}`);
        expect(inPath, path).toEqual(path.match(/\{[^}]+\}/g) ?? []);
      }
    }
  });

  it("describes every real response, and every documented operation is exercised", async () => {
    const seen = new Set<string>();
    for (const request of await exercises()) {
      const operation = doc.paths[request.template]?.[request.method.toLowerCase()];
      expect(operation, `${request.method} ${request.template} is documented`).toBeDefined();
      seen.add(`${request.method} ${request.template}`);
      const answer = await sandbox.call(request.method, request.path, request.body);
      const documented = operation.responses[String(answer.status)];
      expect(documented, `${request.method} ${request.path} → ${answer.status}`).toBeDefined();
      const schema = documented.content?.["application/json"]?.schema;
      if (schema) expect(validate(schema, answer.body, doc), request.path).toEqual([]);
      else expect(answer.body).toBeNull();
    }
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(
      documented.filter((operation) => !seen.has(operation) && operation !== "GET /openapi.json"),
    ).toEqual([]);
  });

  it("describes the problem answers", async () => {
    for (const [template, path] of [
      ["/population/v1/citizens", "/population/v1/citizens?ids=bad"],
      ["/population/v1/citizens/{id}", "/population/v1/citizens/040299000000"],
    ] as const) {
      const answer = await sandbox.get(path);
      const schema =
        doc.paths[template].get.responses[String(answer.status)].content["application/problem+json"].schema;
      expect(validate(schema, answer.body, doc)).toEqual([]);
    }
  });

  it("rejects what it does not declare (the checker is not vacuous)", () => {
    const citizen = { $ref: "#/components/schemas/Citizen" };
    expect(validate(citizen, { id: "1" }, doc).length).toBeGreaterThan(0);
    expect(
      validate(
        { $ref: "#/components/schemas/Problem" },
        { type: "x", title: "t", status: 400, detail: "d", extra: 1 },
        doc,
      ),
    ).toEqual(["$: unexpected 'extra'"]);
  });
});
