import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../../bench/harness/args.ts";
import { firstDifference } from "../../../bench/harness/graphqlClient.ts";
import { summarizeLatencies } from "../../../bench/harness/latency.ts";
import { rewriteSubgraphUrls, withoutSecurityPurpose } from "../../../bench/harness/supergraphFile.ts";

describe("bench arguments", () => {
  it("defaults to 50 connections for 10 s and replaces RESULTS.md only for a complete run", () => {
    const args = parseBenchArgs([], {});
    expect(args.settings).toMatchObject({ connections: 50, durationSeconds: 10 });
    expect(args.writeResultsMarkdown).toBe(true);
    expect(parseBenchArgs(["--full"], {}).settings.durationSeconds).toBe(60);
    expect(parseBenchArgs(["--duration", "3"], {}).settings.durationSeconds).toBe(3);
    expect(parseBenchArgs(["--gateways", "apollo"], {}).writeResultsMarkdown).toBe(false);
    expect(parseBenchArgs(["--smoke"], {}).writeResultsMarkdown).toBe(false);
  });

  it("warms cold cells up longer than load cells, and publishes no run warmed up for less", () => {
    expect(parseBenchArgs([], {}).settings).toMatchObject({ warmupSeconds: 5, coldWarmupSeconds: 30 });
    expect(parseBenchArgs(["--cold-warmup", "0"], {}).settings.coldWarmupSeconds).toBe(0);
    expect(parseBenchArgs(["--cold-warmup", "5"], {}).writeResultsMarkdown).toBe(false);
    expect(parseBenchArgs(["--warmup", "1"], {}).writeResultsMarkdown).toBe(false);
    expect(parseBenchArgs(["--cold-warmup", "90"], {}).writeResultsMarkdown).toBe(true);
    expect(() => parseBenchArgs(["--cold-warmup", "1.5"], {})).toThrow(/whole number of seconds/);
  });

  it("keeps our caches-off gateway first, whatever order gateways are named in", () => {
    expect(parseBenchArgs(["--gateways", "hive,apollo,ours-off"], {}).gateways).toEqual([
      "ours-off",
      "apollo",
      "hive",
    ]);
  });

  it("rejects unknown names, bad numbers and contradictory modes with a message", () => {
    expect(() => parseBenchArgs(["--gateways", "router"], {})).toThrow(/unknown router/);
    expect(() => parseBenchArgs(["--duration", "0"], {})).toThrow(/positive integer/);
    expect(() => parseBenchArgs(["--smoke", "--full"], {})).toThrow(/exclude/);
  });

  it("puts our defaults on Redis (REDIS_URL, else the local one) only with --redis", () => {
    expect(parseBenchArgs(["--redis"], { REDIS_URL: "redis://h:1" }).redisUrl).toBe("redis://h:1");
    expect(parseBenchArgs(["--redis"], {}).redisUrl).toBe("redis://127.0.0.1:6379");
    expect(parseBenchArgs([], { REDIS_URL: "redis://h:1" }).redisUrl).toBeNull();
  });
});

describe("latency summary", () => {
  it("reports nearest-rank percentiles over every sample", () => {
    const samples = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(summarizeLatencies(samples)).toEqual({ p50: 50, p95: 95, p99: 99, mean: 50.5, max: 100 });
    expect(summarizeLatencies([])).toEqual({ p50: 0, p95: 0, p99: 0, mean: 0, max: 0 });
  });
});

describe("data comparison", () => {
  it("ignores key order and names the first differing path", () => {
    expect(firstDifference({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBeNull();
    expect(firstDifference({ a: { b: [1, 2] } }, { a: { b: [1, 3] } })).toBe(
      "data.a.b[1]: expected 2, got 3",
    );
    expect(firstDifference({ list: [1] }, { list: [] })).toBe("data.list: 1 items vs 0");
  });
});

describe("supergraph URL rewriting", () => {
  const sdl = `enum join__Graph {
  A @join__graph(name: "a", url: "http://127.0.0.1:4200/a")
  B
    @join__graph(name: "b", url: "http://127.0.0.1:4200/b")
}`;

  it("points each named subgraph at its new URL and leaves the rest of the schema untouched", () => {
    const rewritten = rewriteSubgraphUrls(sdl, {
      a: "http://127.0.0.1:5000/a",
      b: "http://127.0.0.1:5000/b",
    });
    expect(rewritten).toContain('@join__graph(name: "a", url: "http://127.0.0.1:5000/a")');
    expect(rewritten).toContain('@join__graph(name: "b", url: "http://127.0.0.1:5000/b")');
    expect(rewritten).not.toContain("4200");
  });

  it("refuses a subgraph the supergraph does not have", () => {
    expect(() => rewriteSubgraphUrls(sdl, { c: "http://x" })).toThrow(/no subgraph named c/);
  });
});

describe("supergraph for Apollo Gateway", () => {
  it("drops the SECURITY purpose Apollo Gateway refuses, and nothing else", () => {
    const sdl = `schema
  @link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY) { query: Query }`;
    expect(withoutSecurityPurpose(sdl)).toBe(`schema
  @link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1") { query: Query }`);
  });
});
