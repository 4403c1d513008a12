// Cache tags over the whole stack: the subgraphs tag what they return, answers carry the union as Cache-Tag and
// Surrogate-Key, and `POST /ops/purge {"tags": […]}` on one gateway empties exactly the tagged entries of the response
// and fetch layers for every gateway sharing its Redis, while untagged entries stay hits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { untilStored } from "../../support/cacheWrites.ts";
import { purgeThrough, readOperation, type Stack, startStack } from "../../support/stack.ts";
import { type StackRecorders, startStackRecorders } from "../../support/subgraphRecorder.ts";
import { type GatewayProcess, startGatewayProcess } from "./gatewayProcess.fixture.ts";

describe("cache tags on two gateway processes sharing Redis", () => {
  let stack: Stack;
  let recording: StackRecorders;
  let first: GatewayProcess;
  let second: GatewayProcess;
  let dashboard: string;
  let otherProvince: string;

  beforeAll(async () => {
    stack = await startStack();
    recording = await startStackRecorders(stack.subgraphs);
    // Two replicas: one Redis namespace (under the stack's, removed when it stops), nothing else shared.
    const keyPrefix = `${stack.gateway.keyPrefix}tag-replicas:`;
    [first, second] = await Promise.all([
      startGatewayProcess(keyPrefix, recording.gatewayEnv),
      startGatewayProcess(keyPrefix, recording.gatewayEnv),
    ]);
    dashboard = await readOperation("ProvinceDashboard");
    const provinces = await stack.sandbox.get<{ items: { code: string }[] }>("/reporting/v1/provinces");
    otherProvince = provinces.items.map((province) => province.code).find((code) => code !== "40")!;
  }, 240_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await recording?.stop();
    await stack?.stop();
  });

  async function ask(gateway: GatewayProcess, code: string) {
    const response = await gateway.post({ query: dashboard, variables: { code } });
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return { headers: response.headers, body };
  }

  const reportingFetches = () => recording.recorders.reporting.fetches.length;

  const storedBy = (gateway: GatewayProcess, code: string) =>
    untilStored(async () => (await ask(gateway, code)).headers.get("x-cache"));

  it("tags answers with what they hold, and a purge by tag on one gateway misses on both", async () => {
    const cold = await ask(first, "40");
    expect(cold.headers.get("x-cache")).toBe("MISS");
    const tags = cold.headers.get("cache-tag")!.split(",");
    expect(tags).toContain("province:40");
    expect(tags.some((tag) => tag.startsWith("commune:"))).toBe(true);
    expect(cold.headers.get("surrogate-key")!.split(" ")).toEqual(tags);
    await ask(first, otherProvince);
    await storedBy(first, "40");
    await storedBy(first, otherProvince);

    // The replica answers both from the shared response cache, with the same tags (the HTTP edge's fast path).
    const replicaHit = await ask(second, "40");
    expect(replicaHit.headers.get("x-cache")).toBe("HIT");
    expect(replicaHit.headers.get("cache-tag")).toBe(cold.headers.get("cache-tag"));
    expect(replicaHit.body).toEqual(cold.body);
    expect((await ask(second, otherProvince)).headers.get("x-cache")).toBe("HIT");

    const purge = await purgeThrough(first.origin, { tags: ["province:40"] });
    expect(purge.status).toBe(200);
    const { purged } = (await purge.json()) as { purged: { entity: number; response: number } };
    expect(purged.response).toBe(1);
    // At least the reporting root fetch of province 40 (the communes' entity entries do not nest the province).
    expect(purged.entity).toBeGreaterThanOrEqual(1);

    recording.clear();
    const untouched = await ask(second, otherProvince);
    expect(untouched.headers.get("x-cache")).toBe("HIT");
    expect(reportingFetches()).toBe(0);

    const afterPurge = await ask(second, "40");
    expect(afterPurge.headers.get("x-cache")).toBe("MISS");
    expect(afterPurge.body).toEqual(cold.body);
    // The tagged root-field fetch was gone from the fetch layer too: province 40 went back to reporting.
    expect(reportingFetches()).toBeGreaterThanOrEqual(1);
    // The province's own entity entries went (its populationStats…), the communes' did not: they do not nest it.
    const populationEntities = recording.recorders.population.entityFetches();
    expect(populationEntities.map((fetch) => fetch.representations)).toEqual([1]);
    await storedBy(second, "40");
    expect((await ask(first, "40")).headers.get("x-cache")).toBe("HIT");
  }, 180_000);

  it("refuses a malformed tag purge with 400 and says why", async () => {
    const response = await purgeThrough(first.origin, { tags: ["province 40"] });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ detail: expect.stringContaining("body.tags.0") });
  });
});
