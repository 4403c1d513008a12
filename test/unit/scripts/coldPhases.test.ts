import { describe, expect, it } from "vitest";
import { coldPhases, medianPhases } from "../../../scripts/coldPhases.ts";

const call = (endpoint: string, startMs: number, endMs: number) => ({ endpoint, startMs, endMs });

// A cold dashboard as the sandbox logs it: four reporting calls side by side, then one call per statistics platform.
const dashboard = [
  call("GET /reporting/v1/provinces", 4, 9.5),
  call("GET /reporting/v1/communes", 4.2, 9.9),
  call("GET /reporting/v1/task-progress", 4.3, 9.6),
  call("GET /reporting/v1/deployments", 4.4, 9.7),
  call("GET /procedures/v1/stats", 19.4, 25.5),
  call("GET /business/v1/stats", 20.1, 26),
  call("GET /population/v1/stats", 21.5, 27.6),
];

describe("coldPhases", () => {
  it("times each stage from the client's send, on the log's clock", () => {
    expect(coldPhases(dashboard, 1, 35.2)).toEqual({
      firstReportingCallStart: 3,
      lastReportingCallEnd: 8.9,
      firstStatisticsCallStart: 18.4,
      lastStatisticsCallStart: 20.5,
      lastStatisticsCallEnd: 26.6,
      answered: 34.2,
      // communes (5.7 ms), then the population call that started after it (6.1 ms)
      floor: expect.closeTo(11.8, 6),
      platformCalls: 7,
      statisticsCalls: {
        "GET /procedures/v1/stats": { start: 18.4, end: 24.5 },
        "GET /business/v1/stats": { start: 19.1, end: 25 },
        "GET /population/v1/stats": { start: 20.5, end: 26.6 },
      },
    });
  });

  it("is null for a request that reached only one kind of platform (failed, or answered from a cache)", () => {
    expect(coldPhases(dashboard.slice(0, 4), 0, 12)).toBeNull();
    expect(coldPhases([], 0, 1)).toBeNull();
  });
});

describe("medianPhases", () => {
  it("takes each phase's median on its own, not the median run's", () => {
    const runs = [
      coldPhases(dashboard, 0, 40)!,
      { ...coldPhases(dashboard, 0, 30)!, floor: 20 },
      { ...coldPhases(dashboard, 0, 35)!, floor: 5 },
    ];
    const median = medianPhases(runs);
    expect(median.answered).toBe(35);
    expect(median.floor).toBeCloseTo(11.8, 6);
  });

  it("times each statistics platform over the runs that called it", () => {
    const late = dashboard.map((c) =>
      c.endpoint.includes("/population/") ? { ...c, startMs: 30, endMs: 36 } : c,
    );
    const cached = dashboard.filter((c) => !c.endpoint.includes("/population/"));
    const median = medianPhases([
      coldPhases(dashboard, 0, 40)!,
      coldPhases(late, 0, 40)!,
      coldPhases(cached, 0, 40)!,
    ]);
    // two runs called population: the upper of their two values
    expect(median.statisticsCalls["GET /population/v1/stats"]).toEqual({ start: 30, end: 36 });
    expect(median.statisticsCalls["GET /business/v1/stats"]).toEqual({ start: 20.1, end: 26 });
  });

  it("refuses to summarise nothing", () => {
    expect(() => medianPhases([])).toThrow(/no runs/);
  });
});
