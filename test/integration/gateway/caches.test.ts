// The gateway's caches (response cache, entity cache, purge): on a toy federation whose subgraphs answer per caller,
// and over the real subgraphs, where a repeated dashboard is a response-cache hit; with the response cache off, the
// entity cache answers the Commune entities so the subgraphs see no `_entities` fetch; and the answers are the same
// with every cache and with none.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import {
  citizenDossiersOfACommune,
  readOperation,
  type Stack,
  SUBGRAPH_NAMES,
  startStack,
} from "../../support/stack.ts";
import { type StackRecorders, startStackRecorders } from "../../support/subgraphRecorder.ts";
import {
  type CacheGateway,
  type CacheSubgraphs,
  startCacheGateway,
  startCacheSubgraphs,
} from "./cacheStack.fixture.ts";

const DASHBOARD = `query Dashboard($code: ID!) {
  province(code: $code) { code name communes { code name population } }
}`;
const analyst: Caller = { sub: "analyst-1", scopes: ["population:read"], province: "40", commune: null };
const otherAnalyst: Caller = { ...analyst, sub: "analyst-2" };

const NGHE_AN = { code: "40" };

describe("on a toy federation", () => {
  let subgraphs: CacheSubgraphs;
  let gateway: CacheGateway | null = null;

  beforeAll(async () => {
    subgraphs = await startCacheSubgraphs();
  });
  afterAll(() => subgraphs.stop());
  beforeEach(() => subgraphs.reset());
  afterEach(async () => {
    await gateway?.stop();
    gateway = null;
  });

  async function start(env: Record<string, string> = {}) {
    gateway = await startCacheGateway(subgraphs, { env });
    return gateway;
  }

  describe("on Redis", () => {
    it("answers a repeated query from the response cache without touching the subgraphs", async () => {
      const gw = await start();
      const first = await gw.query(DASHBOARD, { variables: { code: "40" } });
      const sent = subgraphs.units.queries.length + subgraphs.people.queries.length;
      const second = await gw.query(DASHBOARD, { variables: { code: "40" } });
      expect(first.xCache).toBe("MISS");
      expect(second.xCache).toBe("HIT");
      expect(second.body).toEqual(first.body);
      expect(first.body.errors).toBeUndefined();
      expect(subgraphs.units.queries.length + subgraphs.people.queries.length).toBe(sent);
    });

    it("answers a plain POST hit at the HTTP edge and an APQ hit through Apollo Server, identically", async () => {
      const gw = await start();
      const miss = await gw.query(DASHBOARD, { variables: { code: "40" } });
      const edgeHit = await gw.query(DASHBOARD, { variables: { code: "40" } });
      // A body with extensions (APQ) is not looked up at the edge: the response cache plugin answers it.
      const pluginHit = await gw.post({
        query: DASHBOARD,
        variables: { code: "40" },
        extensions: { clientLibrary: { name: "test" } },
      });
      expect([miss.xCache, edgeHit.xCache, pluginHit.xCache]).toEqual(["MISS", "HIT", "HIT"]);
      expect(edgeHit.body).toEqual(miss.body);
      expect(pluginHit.body).toEqual(miss.body);
      // The edge's hit is still one request of the named operation in the metrics.
      const requests = await gw.metrics.requests.get();
      const dashboard = requests.values.filter(
        (v) => v.labels.operation === "Dashboard" && v.labels.outcome === "ok",
      );
      expect(dashboard.reduce((sum, v) => sum + v.value, 0)).toBe(3);
    });

    it("with the response cache off, serves the entities and the root field from the fetch cache", async () => {
      const gw = await start({ RESPONSE_CACHE: "off" });
      const first = await gw.query(DASHBOARD, { variables: { code: "40" } });
      expect(subgraphs.people.entityFetches).toHaveLength(1);
      const second = await gw.query(DASHBOARD, { variables: { code: "40" } });
      expect(second.xCache).toBe("BYPASS");
      expect(second.body).toEqual(first.body);
      expect(subgraphs.people.entityFetches).toHaveLength(1);
      expect(subgraphs.units.queries).toHaveLength(1);
    });

    it("answers identically with every cache on (cold and warm) and with every cache off", async () => {
      const off = await start({ APQ_CACHE: "off", RESPONSE_CACHE: "off", ENTITY_CACHE: "off", DEDUP: "off" });
      const reference = await off.query(DASHBOARD, { caller: analyst, variables: { code: "40" } });
      await off.stop();
      const on = await start();
      const cold = await on.query(DASHBOARD, { caller: analyst, variables: { code: "40" } });
      const warm = await on.query(DASHBOARD, { caller: analyst, variables: { code: "40" } });
      expect(reference.body.errors).toBeUndefined();
      expect(cold.body).toEqual(reference.body);
      expect(warm).toMatchObject({ xCache: "HIT", body: reference.body });
    });

    it("never gives one visibility class another's cached response or entities", async () => {
      for (const env of [{}, { RESPONSE_CACHE: "off" }] as Record<string, string>[]) {
        const gw = await start(env);
        const forAnalyst = await gw.query(DASHBOARD, { caller: analyst, variables: { code: "40" } });
        const forAnonymous = await gw.query(DASHBOARD, { variables: { code: "40" } });
        const analystAgain = await gw.query(DASHBOARD, { caller: analyst, variables: { code: "40" } });
        const populations = (result: typeof forAnalyst) =>
          (
            result.body.data as { province: { communes: { population: number | null }[] } }
          ).province.communes.map((c) => c.population);
        expect(populations(forAnalyst)).toEqual([10001, 10002, 10003]);
        expect(populations(forAnonymous)).toEqual([null, null, null]);
        expect(populations(analystAgain)).toEqual([10001, 10002, 10003]);
        expect(forAnonymous.xCache).not.toBe("HIT");
        await gw.stop();
        gateway = null;
      }
    });

    it("keeps PRIVATE data per caller in the response and entity caches", async () => {
      for (const env of [{}, { RESPONSE_CACHE: "off" }] as Record<string, string>[]) {
        const gw = await start(env);
        const query = '{ whoami province(code: "40") { communes { code note } } }';
        const first = await gw.query(query, { caller: analyst });
        const other = await gw.query(query, { caller: otherAnalyst });
        const again = await gw.query(query, { caller: analyst });
        expect(first.body.data).toMatchObject({
          whoami: "analyst-1",
          province: { communes: [{ note: "40001 for analyst-1" }, {}, {}] },
        });
        expect(other.body.data).toMatchObject({
          whoami: "analyst-2",
          province: { communes: [{ note: "40001 for analyst-2" }, {}, {}] },
        });
        expect(again.body).toEqual(first.body);
        if (!("RESPONSE_CACHE" in env))
          expect([first.xCache, other.xCache, again.xCache]).toEqual(["MISS", "MISS", "HIT"]);
        await gw.stop();
        gateway = null;
      }
    });

    it("purges one entity, one type or everything through the ops endpoint", async () => {
      const gw = await start();
      await gw.query(DASHBOARD, { variables: { code: "40" } });

      expect(await gw.purge({ type: "Commune", key: { code: "40002" } })).toMatchObject({
        status: 200,
        // The entity, and the root-field fetch: a purge by type or key drops every root fetch, as it does responses.
        body: { purged: { entity: 2, response: 1 } },
      });
      const afterKeyPurge = await gw.query(DASHBOARD, { variables: { code: "40" } });
      expect(afterKeyPurge.xCache).toBe("MISS");
      expect(subgraphs.people.entityFetches).toEqual([["40001", "40002", "40003"], ["40002"]]);

      const typePurge = await gw.purge({ type: "Commune" });
      expect(typePurge).toMatchObject({ status: 200, body: { purged: { entity: 4 } } });
      await gw.query(DASHBOARD, { variables: { code: "40" } });
      expect(subgraphs.people.entityFetches.at(-1)).toEqual(["40001", "40002", "40003"]);

      expect((await gw.purge({ scope: "all" })).status).toBe(200);
      expect((await gw.query(DASHBOARD, { variables: { code: "40" } })).xCache).toBe("MISS");
      expect(subgraphs.people.entityFetches).toHaveLength(4);
    });

    it("refuses purges without the ops token, with a malformed body, or when no token is configured", async () => {
      const gw = await start();
      expect((await gw.purge({ scope: "all" }, "wrong")).status).toBe(401);
      expect((await gw.purge({ scope: "all" }, "")).status).toBe(401);
      expect((await gw.purge({ scope: "everything" })).status).toBe(400);
      expect((await gw.purge({ type: "Commune; DROP" })).status).toBe(400);
      await gw.stop();
      const noToken = await start({ OPS_TOKEN: "" });
      expect((await noToken.purge({ scope: "all" })).status).toBe(404);
    });
  });
});

describe("over the whole stack", () => {
  let stack: Stack;
  let dashboard: string;

  beforeAll(async () => {
    stack = await startStack();
    dashboard = await readOperation("ProvinceDashboard");
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe("caches", () => {
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
      let recording: StackRecorders;

      beforeAll(async () => {
        recording = await startStackRecorders(stack.subgraphs);
      });

      afterAll(async () => {
        await recording?.stop();
      });

      it("the fetch cache serves the Commune entities and the root field: nothing reaches a subgraph the second time", async () => {
        // The warm request's read of 131 entity entries queues behind the cold request's write of them on the
        // gateway's one Redis connection; on a loaded machine that takes past production's 100 ms command timeout (a
        // read that slow answers as a miss, by design). This test is about what the fetch cache holds, not Redis latency.
        const gateway = await stack.startGateway({
          RESPONSE_CACHE: "off",
          REDIS_COMMAND_TIMEOUT_MS: "3000",
          ...recording.gatewayEnv,
        });
        const { recorders } = recording;
        const entityFetches = () => SUBGRAPH_NAMES.flatMap((name) => recorders[name].entityFetches());
        const allFetches = () => SUBGRAPH_NAMES.flatMap((name) => recorders[name].fetches);

        const cold = await gateway.query(dashboard, NGHE_AN);
        expect(cold.errors).toBeUndefined();
        expect(cold.headers.get("x-cache")).toBe("BYPASS");
        // The communes' figures live in population, business and procedures: one `_entities` request each, the
        // executor sending the province's representation with its 130 communes'.
        for (const name of ["population", "business", "procedures"] as const) {
          expect(recorders[name].entityFetches().map((fetch) => fetch.representations)).toEqual([131]);
        }
        recording.clear();

        const warm = await gateway.query(dashboard, NGHE_AN);
        expect(warm.headers.get("x-cache")).toBe("BYPASS");
        expect(warm.data).toEqual(cold.data);
        expect(entityFetches()).toEqual([]);
        // Not a response-cache hit (BYPASS above): every fetch of the plan was answered by the fetch cache.
        expect(allFetches()).toEqual([]);
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
      const { commune, dossiers } = await citizenDossiersOfACommune(stack.sandbox);
      const filed = dossiers[0]!;
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
});
