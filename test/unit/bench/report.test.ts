import { describe, expect, it } from "vitest";
import type { CellResult } from "../../../bench/harness/cells.ts";
import type { RunRecord } from "../../../bench/harness/report.ts";
import { formatTextTable, renderResultsMarkdown, targetChecks } from "../../../bench/harness/report.ts";

function cell(overrides: Partial<CellResult> & Pick<CellResult, "workload" | "gateway">): CellResult {
  return {
    mode: "load",
    status: "ok",
    note: null,
    requests: 1000,
    requestsPerSecond: 100,
    latencyMs: { p50: 10, p95: 20, p99: 30, mean: 12, max: 40 },
    non2xx: 0,
    graphqlErrors: 0,
    transportErrors: 0,
    peakRssMb: 200,
    platformRequestsPerOperation: null,
    platformRequestsByEndpoint: null,
    ...overrides,
  };
}

function record(results: CellResult[]): RunRecord {
  return {
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:05:00.000Z",
    command: "npm run bench",
    settings: { connections: 50, warmupSeconds: 5, durationSeconds: 10, coldRequests: 30 },
    sandboxLatencyMs: 5,
    redisUrl: null,
    machine: {
      cpuModel: "Test CPU",
      cores: 2,
      memoryGb: 4,
      node: "v20.0.0",
      gitCommit: "abc1234",
      gitDirty: false,
      loadAverageAtStart: [0.1, 0.1, 0.1],
    },
    loadAverageAtEnd: [1, 1, 1],
    results,
  };
}

describe("benchmark report", () => {
  const results = [
    cell({ workload: "guild", gateway: "ours-off", requestsPerSecond: 250, peakRssMb: 150 }),
    cell({ workload: "guild", gateway: "apollo", requestsPerSecond: 100 }),
    cell({ workload: "guild", gateway: "hive", requestsPerSecond: 300, peakRssMb: 400 }),
    cell({
      workload: "province-cold",
      gateway: "ours",
      mode: "cold",
      requestsPerSecond: null,
      latencyMs: { p50: 15, p95: 20, p99: 25, mean: 16, max: 30 },
      platformRequestsPerOperation: 8,
      platformRequestsByEndpoint: { "GET /reporting/v1/provinces": 1 },
    }),
    cell({
      workload: "province-cold",
      gateway: "apollo",
      mode: "cold",
      requestsPerSecond: null,
      latencyMs: { p50: 45, p95: 50, p99: 55, mean: 46, max: 60 },
    }),
    cell({ workload: "national-warm", gateway: "hive", status: "FAILED", note: "3 non-2xx" }),
  ];

  it("states throughput against Apollo for load cells and latency against Apollo for cold cells", () => {
    const table = formatTextTable(record(results));
    expect(table).toMatch(/Liên Thông, caches off\s+ok\s+250\.0\s+2\.50×/);
    expect(table).toMatch(/Liên Thông, defaults\s+ok\s+—\s+3\.00× faster\s+15\.0/);
    expect(table).toContain("hive: 3 non-2xx");
  });

  it("reads each target off the run and says plainly which were missed", () => {
    const checks = Object.fromEntries(
      targetChecks(record(results)).map((check) => [check.target, check.outcome]),
    );
    expect(checks["Guild workload, caches off: ≥ 3× Apollo Gateway req/s"]).toBe("2.50× — **missed**");
    expect(checks["Guild workload, caches off: ≥ Hive Gateway req/s"]).toBe("0.83× Hive — **missed**");
    expect(checks["Guild workload, caches off: lower peak RSS than Hive Gateway"]).toBe(
      "150 MB vs 400 MB — met",
    );
    expect(checks["ProvinceDashboard cold: ≤ 8 platform requests per dashboard"]).toBe("8 — met");
  });

  it("writes RESULTS.md with the command, machine, commit and the failed cells called out", () => {
    const markdown = renderResultsMarkdown(record(results), ["a note"], "run.json");
    expect(markdown).toContain("- Command: `npm run bench`");
    expect(markdown).toContain("`bench/results/run.json`");
    expect(markdown).toContain("Test CPU, 2 cores, 4 GB RAM, Node v20.0.0");
    expect(markdown).toContain("`abc1234`");
    expect(markdown).toContain("**1 cell(s) did not pass**");
    expect(markdown).toContain("- `GET /reporting/v1/provinces`: 1");
    expect(markdown).toContain("- a note");
  });
});
