import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../common/errors.ts";
import { createLogger } from "../../../subgraphs/kit/logger.ts";
import { createSubgraphMetrics, type SubgraphMetrics } from "../../../subgraphs/kit/metrics.ts";
import { createUpstreamClient, type UpstreamClient } from "../../../subgraphs/kit/upstream.ts";

const BASE = "http://platform.test/population/v1";
const mock = setupServer();
const seen: string[] = [];

function problem(status: number, detail: string) {
  return HttpResponse.json(
    { type: "about:blank", title: "error", status, detail },
    { status, headers: { "content-type": "application/problem+json" } },
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("upstream client", () => {
  let metrics: SubgraphMetrics;
  let client: UpstreamClient;

  beforeAll(() => mock.listen({ onUnhandledRequest: "error" }));
  afterAll(() => mock.close());
  beforeEach(() => {
    seen.length = 0;
    mock.events.on("request:start", ({ request }) => {
      seen.push(new URL(request.url).pathname + new URL(request.url).search);
    });
    metrics = createSubgraphMetrics("test");
    client = createUpstreamClient({
      platform: "population",
      baseUrl: BASE,
      timeoutMs: 200,
      retries: 2,
      retryInitialDelayMs: 1,
      metrics,
      logger: createLogger("test", "silent"),
    });
  });
  afterEach(async () => {
    mock.resetHandlers();
    mock.events.removeAllListeners();
    await client.close();
  });

  it("joins list values with commas and omits undefined ones", async () => {
    mock.use(http.get(`${BASE}/citizens`, () => HttpResponse.json({ items: [] })));
    await client.get("/citizens", { ids: ["040123456789", "001099012345"], limit: 5, cursor: undefined });
    expect(seen).toEqual(["/population/v1/citizens?ids=040123456789,001099012345&limit=5"]);
  });

  it("retries a 5xx answer and returns the later success", async () => {
    let calls = 0;
    mock.use(
      http.get(`${BASE}/stats`, () => {
        calls++;
        return calls === 1
          ? problem(503, "injected fault")
          : HttpResponse.json({ items: [{ unitCode: "40" }] });
      }),
    );
    await expect(client.get("/stats", { provinces: ["40"] })).resolves.toEqual({
      items: [{ unitCode: "40" }],
    });
    expect(calls).toBe(2);
  });

  it("gives up after the configured retries with UPSTREAM_UNAVAILABLE", async () => {
    mock.use(http.get(`${BASE}/stats`, () => problem(503, "outage")));
    const error = await rejection(client.get("/stats"));
    expect(errorCodeOf(error)).toBe("UPSTREAM_UNAVAILABLE");
    expect(seen).toHaveLength(3);
  });

  it("retries connection errors", async () => {
    mock.use(http.get(`${BASE}/stats`, () => HttpResponse.error()));
    const error = await rejection(client.get("/stats"));
    expect(errorCodeOf(error)).toBe("UPSTREAM_UNAVAILABLE");
    expect(seen).toHaveLength(3);
  });

  it("maps a 400 problem to BAD_USER_INPUT in our words (the platform's detail stays in the log), without retrying", async () => {
    mock.use(
      http.get(`${BASE}/citizens`, () =>
        problem(400, "ids: '12ab' is not a 12-digit personal identification number"),
      ),
    );
    const error = await rejection(client.get("/citizens", { ids: ["12ab"] }));
    expect(errorCodeOf(error)).toBe("BAD_USER_INPUT");
    expect((error as Error).message).toBe("the population platform refused the request's arguments");
    expect(seen).toHaveLength(1);
  });

  it("times out a slow answer without retrying it", async () => {
    mock.use(
      http.get(`${BASE}/stats`, async () => {
        await delay(2000);
        return HttpResponse.json({ items: [] });
      }),
    );
    const started = Date.now();
    const error = await rejection(client.get("/stats"));
    expect(errorCodeOf(error)).toBe("UPSTREAM_UNAVAILABLE");
    expect((error as Error).message).toContain("no answer within 200 ms");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(seen).toHaveLength(1);
  });

  it("answers null for a 404 from getOrNull", async () => {
    mock.use(http.get(`${BASE}/citizens/:id`, () => problem(404, "no citizen 040123456789")));
    await expect(client.getOrNull("/citizens/040123456789")).resolves.toBeNull();
  });

  it("labels metrics with route templates, never with ids", async () => {
    mock.use(
      http.get(`${BASE}/citizens/:id`, () => HttpResponse.json({ id: "040123456789" })),
      http.get(`${BASE}/households/:id`, () => HttpResponse.json({ id: "H1" })),
    );
    await client.get("/citizens/040123456789");
    await client.get("/households/HH-040-77", undefined, { route: "/households/{id}" });
    const text = await metrics.registry.metrics();
    expect(text).toContain('route="/citizens/{id}"');
    expect(text).toContain('route="/households/{id}"');
    expect(text).not.toContain("040123456789");
    expect(text).not.toContain("HH-040-77");
  });
});
