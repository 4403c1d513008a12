import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createRequestStats, REQUEST_LOG_LIMIT } from "../../../sandbox/http/request-stats.ts";

describe("sandbox request stats", () => {
  it("logs when each request arrived and was answered, in the order answered", async () => {
    const stats = createRequestStats();
    const slow = stats.begin("GET /reporting/v1/provinces");
    const fast = stats.begin("GET /reporting/v1/communes");
    await sleep(5);
    fast();
    await sleep(5);
    slow();
    const { total, requests } = stats.snapshot();
    expect(total).toBe(2);
    expect(requests.map((r) => r.endpoint)).toEqual([
      "GET /reporting/v1/communes",
      "GET /reporting/v1/provinces",
    ]);
    const [communes, provinces] = requests;
    expect(provinces!.startMs).toBeLessThanOrEqual(communes!.startMs);
    expect(communes!.endMs - communes!.startMs).toBeGreaterThanOrEqual(4);
    expect(provinces!.endMs).toBeGreaterThanOrEqual(communes!.endMs + 4);
  });

  it("starts a new log at a reset, leaving out requests answered after it that arrived before", () => {
    const stats = createRequestStats();
    const before = stats.begin("GET /population/v1/stats");
    stats.reset();
    before();
    stats.begin("GET /business/v1/stats")();
    expect(stats.snapshot().requests.map((r) => r.endpoint)).toEqual(["GET /business/v1/stats"]);
  });

  it("keeps only the last REQUEST_LOG_LIMIT requests", () => {
    const stats = createRequestStats();
    for (let i = 0; i <= REQUEST_LOG_LIMIT; i++) stats.begin(`GET /${i}`)();
    const { total, requests } = stats.snapshot();
    expect(total).toBe(REQUEST_LOG_LIMIT + 1);
    expect(requests).toHaveLength(REQUEST_LOG_LIMIT);
    expect(requests[0]!.endpoint).toBe("GET /1");
  });
});
