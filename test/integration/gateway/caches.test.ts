import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
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

describe("gateway caches on Redis", () => {
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

  it("with the response cache off, serves the entities from the entity cache", async () => {
    const gw = await start({ RESPONSE_CACHE: "off" });
    const first = await gw.query(DASHBOARD, { variables: { code: "40" } });
    expect(subgraphs.people.entityFetches).toHaveLength(1);
    const second = await gw.query(DASHBOARD, { variables: { code: "40" } });
    expect(second.xCache).toBe("BYPASS");
    expect(second.body).toEqual(first.body);
    expect(subgraphs.people.entityFetches).toHaveLength(1);
    expect(subgraphs.units.queries).toHaveLength(2);
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
      body: { purged: { entity: 1, response: 1 } },
    });
    const afterKeyPurge = await gw.query(DASHBOARD, { variables: { code: "40" } });
    expect(afterKeyPurge.xCache).toBe("MISS");
    expect(subgraphs.people.entityFetches).toEqual([["40001", "40002", "40003"], ["40002"]]);

    const typePurge = await gw.purge({ type: "Commune" });
    expect(typePurge).toMatchObject({ status: 200, body: { purged: { entity: 3 } } });
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
