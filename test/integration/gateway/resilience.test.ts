import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../support/index.ts";
import { startStack, type TestStack } from "./fixtures.ts";

const QUERY = '{ province(code: "40") { name population } }';

async function breakerState(stack: TestStack, subgraph: string): Promise<number> {
  const metric = await stack.metrics.breakerState.get();
  return metric.values.find((value) => value.labels.subgraph === subgraph)?.value ?? -1;
}

describe("a failing subgraph", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        BREAKER_CONSECUTIVE_FAILURES: "2",
        BREAKER_HALF_OPEN_AFTER_MS: "400",
        SUBGRAPH_TIMEOUT_MS_STATS: "200",
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const stats = () => stack.subgraphs.find((s) => s.name === "stats")!;

  it("a slow subgraph times out per its own timeout; the rest of the response is intact", async () => {
    stats().delayMs = 600;
    const started = Date.now();
    const body = await (await stack.post({ query: QUERY })).json();
    expect(Date.now() - started).toBeLessThan(550);
    expect(body.data.province).toEqual({ name: "Nghệ An", population: null });
    expect(body.errors[0].extensions).toEqual({
      code: "SUBGRAPH_UNAVAILABLE",
      subgraph: "stats",
      reason: "timeout",
    });
    stats().delayMs = 0;
    // a success resets the breaker's consecutive-failure count
    expect((await (await stack.post({ query: QUERY })).json()).errors).toBeUndefined();
  });

  it("stopped: partial data + SUBGRAPH_UNAVAILABLE, /ready stays 200 and says degraded, the breaker opens, then closes after recovery", async () => {
    await stats().stop();

    const first = await stack.post({ query: QUERY });
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body.data).toEqual({ province: { name: "Nghệ An", population: null } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      message: 'Subgraph "stats" is unavailable',
      extensions: { code: "SUBGRAPH_UNAVAILABLE", subgraph: "stats", reason: "connection" },
    });

    // Every replica shares the lost subgraph: leaving the load balancer would take the rest of the data down too.
    const ready = await fetch(`${stack.origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "degraded" });
    const detailed = await fetch(`${stack.opsOrigin}/ready`);
    expect(detailed.status).toBe(200);
    const readiness = await detailed.json();
    expect(readiness.status).toBe("degraded");
    expect(readiness.reasons).toEqual(["subgraph:stats: ECONNREFUSED"]);
    expect(readiness.checks).toMatchObject({ supergraph: "ok", "subgraph:places": "ok" });

    await stack.post({ query: QUERY }); // second consecutive failure opens the breaker
    expect(await breakerState(stack, "stats")).toBe(2);

    await stats().start(); // back on the same port, but the breaker is still open
    const receivedBefore = stats().received.length;
    const whileOpen = await (await stack.post({ query: QUERY })).json();
    expect(whileOpen.errors[0].extensions.reason).toBe("circuit_open");
    expect(stats().received.length).toBe(receivedBefore);

    await new Promise((resolve) => setTimeout(resolve, 450));
    const recovered = await (await stack.post({ query: QUERY })).json();
    expect(recovered).toEqual({ data: { province: { name: "Nghệ An", population: 3_400_000 } } });
    expect(await breakerState(stack, "stats")).toBe(0);
    expect((await fetch(`${stack.origin}/ready`)).status).toBe(200);

    const errors = await stack.metrics.subgraphFetchErrors.get();
    const reasons = errors.values.filter((v) => v.labels.subgraph === "stats").map((v) => v.labels.reason);
    expect(reasons).toEqual(expect.arrayContaining(["timeout", "connection", "circuit_open"]));
  });

  it("stop() lets an in-flight request finish, then refuses new connections", async () => {
    stack.subgraphs.find((s) => s.name === "places")!.delayMs = 300;
    const inFlight = stack.post({ query: QUERY });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopping = stack.gateway.stop();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((await response.json()).data.province.name).toBe("Nghệ An");
    await stopping;
    await expect(fetch(`${stack.origin}/health`)).rejects.toThrow();
  });
});

describe("readiness with Redis configured but unreachable", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("/ready stays 200 and says degraded (details and a metric on the ops listener), while GraphQL keeps answering", async () => {
    const ready = await fetch(`${stack.origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "degraded" });
    const readiness = await (await fetch(`${stack.opsOrigin}/ready`)).json();
    expect(readiness.status).toBe("degraded");
    expect(readiness.reasons).toHaveLength(1);
    expect(readiness.reasons[0]).toMatch(/^redis: /);
    expect(await (await fetch(`${stack.opsOrigin}/metrics`)).text()).toMatch(
      /^lienthong_gateway_redis_up 0$/m,
    );
    expect((await (await stack.post({ query: QUERY })).json()).data.province.population).toBe(3_400_000);
  });
});
