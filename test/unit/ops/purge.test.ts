import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { entityKey } from "../../../gateway/cacheStore/keys.ts";
import { createCacheStore } from "../../../gateway/cacheStore/store.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { createPurgeRoute } from "../../../gateway/ops/purge.ts";

const logger = pino({ level: "silent" });

function setup(opsToken: string | null = "secret-token") {
  const metrics = createGatewayMetrics();
  const stores = {
    entity: createCacheStore({ redis: null, layer: "entity", maxEntries: 100, metrics, logger }),
    response: createCacheStore({ redis: null, layer: "response", maxEntries: 100, metrics, logger }),
  };
  const route = createPurgeRoute({ opsToken, stores, logger });
  const purge = (body: unknown, authorization = "Bearer secret-token") =>
    route.handle({ headers: { authorization }, body, search: "", requestId: "r" });
  return { stores, purge };
}

async function fill(stores: ReturnType<typeof setup>["stores"]) {
  const key = (__typename: string, code: string, subgraph = "population") =>
    entityKey({
      version: "v",
      subgraph,
      selectionHash: "s",
      visibilityClass: "v",
      representation: { __typename, code },
    });
  await stores.entity.mset([
    { key: key("Commune", "40001"), value: 1, ttlSeconds: 60 },
    { key: key("Commune", "40001", "business"), value: 2, ttlSeconds: 60 },
    { key: key("Commune", "40002"), value: 3, ttlSeconds: 60 },
    { key: key("Province", "40"), value: 4, ttlSeconds: 60 },
  ]);
  await stores.response.mset([
    { key: "r1", value: 1, ttlSeconds: 60 },
    { key: "r2", value: 2, ttlSeconds: 60 },
  ]);
}

describe("POST /ops/purge", () => {
  it("purges one entity (in every subgraph and selection) and the whole response cache", async () => {
    const { stores, purge } = setup();
    await fill(stores);
    expect(await purge({ type: "Commune", key: { code: "40001" } })).toEqual({
      status: 200,
      body: { purged: { entity: 2, response: 2 } },
    });
  });

  it("purges one type, or everything", async () => {
    const { stores, purge } = setup();
    await fill(stores);
    expect((await purge({ type: "Commune" })).body).toEqual({ purged: { entity: 3, response: 2 } });
    expect((await purge({ scope: "all" })).body).toEqual({ purged: { entity: 1, response: 0 } });
  });

  it("purges by tag exactly the entries of both layers that carry one, and nothing untagged", async () => {
    const { stores, purge } = setup();
    await fill(stores);
    await stores.entity.mset([
      { key: "@fetch:reporting:p40", value: 5, ttlSeconds: 60, tags: ["province:40"] },
    ]);
    await stores.response.mset([
      { key: "dashboard40", value: 1, ttlSeconds: 60, tags: ["province:40", "commune:40001"] },
      { key: "dashboard01", value: 2, ttlSeconds: 60, tags: ["province:01"] },
    ]);
    expect(await purge({ tags: ["province:40", "procedure:1.001612"] })).toEqual({
      status: 200,
      body: { purged: { entity: 1, response: 1 } },
    });
    expect((await stores.response.get("dashboard01")).status).toBe("hit");
    expect((await stores.response.get("r1")).status).toBe("hit");
    expect((await stores.entity.get("@fetch:reporting:p40")).status).toBe("miss");
  });

  it("refuses a tag purge that is empty, too long, or has a tag outside the grammar, saying which", async () => {
    const { purge } = setup();
    expect((await purge({ tags: [] })).status).toBe(400);
    expect((await purge({ tags: "province:40" })).status).toBe(400);
    expect((await purge({ tags: Array.from({ length: 1001 }, (_, i) => `commune:${i}`) })).status).toBe(400);
    const bad = await purge({ tags: ["province:40", "Province:40,commune:1"] });
    expect(bad).toMatchObject({
      status: 400,
      body: { detail: "body.tags.1: must be a cache tag: <type> or <type>:<key>" },
    });
    expect((await purge({ tags: ["province:40"], scope: "all" })).status).toBe(400);
  });

  it("refuses callers without the token, bad bodies, and answers 404 when no token is configured", async () => {
    const { purge } = setup();
    expect((await purge({ scope: "all" }, "Bearer nope")).status).toBe(401);
    expect((await purge({ scope: "all" }, "secret-token")).status).toBe(401);
    expect((await purge(undefined)).status).toBe(400);
    expect((await purge({ type: "Commune", extra: 1 })).status).toBe(400);
    expect((await purge({ type: "Commune", key: { code: { $gt: "" } } })).status).toBe(400);
    expect((await setup(null).purge({ scope: "all" })).status).toBe(404);
  });
});
