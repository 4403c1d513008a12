// The gateway's caches over the real subgraphs: a repeated dashboard is a response-cache hit; with the response
// cache off, the entity cache answers the Commune entities so the subgraphs see no `_entities` fetch; and the
// answers are the same with every cache and with none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubgraphName } from "../../../subgraphs/kit/config.ts";
import { readOperation, type Stack, SUBGRAPH_NAMES, startStack } from "../../support/stack.ts";
import { type SubgraphRecorder, startSubgraphRecorder } from "./subgraphRecorder.ts";

const NGHE_AN = { code: "40" };

let stack: Stack;
let dashboard: string;

beforeAll(async () => {
  stack = await startStack();
  dashboard = await readOperation("ProvinceDashboard");
});

afterAll(async () => {
  await stack?.stop();
});

describe("caches over the whole stack", () => {
  it("a repeated ProvinceDashboard is a response-cache HIT with the same answer", async () => {
    const first = await stack.gateway.query(dashboard, NGHE_AN);
    expect(first.errors).toBeUndefined();
    expect(first.headers.get("x-cache")).toBe("MISS");
    await stack.sandbox.resetStats();

    const second = await stack.gateway.query(dashboard, NGHE_AN);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.data).toEqual(first.data);
    expect((await stack.sandbox.stats()).total).toBe(0);
  });

  describe("with the response cache off", () => {
    const recorders = {} as Record<SubgraphName, SubgraphRecorder>;

    beforeAll(async () => {
      for (const name of SUBGRAPH_NAMES) {
        recorders[name] = await startSubgraphRecorder(stack.subgraphs[name].url);
      }
    });

    afterAll(async () => {
      for (const recorder of Object.values(recorders)) await recorder.stop();
    });

    it("the entity cache serves the Commune entities: no `_entities` fetch reaches a subgraph the second time", async () => {
      const gateway = await stack.startGateway({
        RESPONSE_CACHE: "off",
        ...Object.fromEntries(
          SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, recorders[name].url]),
        ),
      });
      const entityFetches = () => SUBGRAPH_NAMES.flatMap((name) => recorders[name].entityFetches());
      const allFetches = () => SUBGRAPH_NAMES.flatMap((name) => recorders[name].fetches);

      const cold = await gateway.query(dashboard, NGHE_AN);
      expect(cold.errors).toBeUndefined();
      expect(cold.headers.get("x-cache")).toBe("BYPASS");
      // The communes' figures live in population, business and procedures: 130 representations each.
      for (const name of ["population", "business", "procedures"] as const) {
        expect(recorders[name].entityFetches().map((fetch) => fetch.representations)).toContain(130);
      }
      for (const recorder of Object.values(recorders)) recorder.clear();

      const warm = await gateway.query(dashboard, NGHE_AN);
      expect(warm.headers.get("x-cache")).toBe("BYPASS");
      expect(warm.data).toEqual(cold.data);
      expect(entityFetches()).toEqual([]);
      // Not served from a response cache: the root field still went to its subgraph.
      expect(allFetches().length).toBeGreaterThan(0);
    });
  });

  // NationalOverview is left out here: its first run costs the sandbox seconds of aggregation (operations.test.ts has it).
  it("the operations answer the same with all caches on and with every gateway cache off", async () => {
    const uncached = await stack.startGateway({
      APQ_CACHE: "off",
      RESPONSE_CACHE: "off",
      ENTITY_CACHE: "off",
      DEDUP: "off",
    });
    const officer = await stack.token({ scopes: ["population:read", "dossier:read"], province: "40" });
    const communes = await stack.sandbox.get<{ items: { code: string }[] }>(
      "/reporting/v1/communes?provinces=40",
    );
    const commune = communes.items[1]!.code;
    const dossiers = await stack.sandbox.get<{
      items: { code: string; applicant: { kind: string; id: string } }[];
    }>(`/procedures/v1/dossiers?commune=${commune}&limit=50`);
    const filed = dossiers.items.find((dossier) => dossier.applicant.kind === "CITIZEN")!;
    const cases: [string, Record<string, unknown>, string | undefined][] = [
      [dashboard, NGHE_AN, undefined],
      [await readOperation("CommunePortal"), { commune, dossier: filed.code }, undefined],
      [await readOperation("CitizenProfile"), { id: filed.applicant.id }, officer],
    ];
    for (const [query, variables, token] of cases) {
      // Twice through the cached gateway, so the second answer comes out of its caches.
      await stack.gateway.query(query, variables, token);
      const cached = await stack.gateway.query(query, variables, token);
      const direct = await uncached.query(query, variables, token);
      expect(direct.errors).toBeUndefined();
      expect(direct.headers.get("x-cache")).toBe("BYPASS");
      expect(cached.errors).toBeUndefined();
      expect(cached.data).toEqual(direct.data);
    }
  });
});
