import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { readCpuMs } from "../../../bench/harness/cpuTime.ts";
import { subgraphFetchesIn } from "../../../bench/harness/gatewayMetrics.ts";
import { GATEWAY_IDS } from "../../../bench/harness/gateways.ts";
import { warmUpCold } from "../../../bench/harness/measure.ts";
import { estimateSeconds, everyCell, planBenchmark, smokeCells } from "../../../bench/harness/plan.ts";
import { median } from "../../../bench/harness/runSummary.ts";
import { WORKLOAD_IDS } from "../../../bench/harness/workloads.ts";

const settings = {
  connections: 50,
  warmupSeconds: 5,
  coldWarmupSeconds: 30,
  durationSeconds: 10,
  coldRequests: 30,
  runs: 3,
  pollSeconds: 60,
  pollTtlSeconds: 5,
  pollRequestsPerSecond: 1000,
};

describe("CPU time of a process tree", () => {
  it("agrees with the process's own account of its CPU, and is null for a process that is gone", () => {
    const before = readCpuMs(process.pid)!;
    const own = process.cpuUsage();
    let spent = 0;
    while (spent < 200_000) {
      Math.sqrt(Math.random());
      const usage = process.cpuUsage(own);
      spent = usage.user + usage.system;
    }
    // /proc counts in clock ticks (10 ms): each of the two readings may be up to a tick short.
    expect(readCpuMs(process.pid)! - before).toBeGreaterThanOrEqual(spent / 1000 - 20);
    expect(readCpuMs(process.pid)! - before).toBeLessThanOrEqual(spent / 1000 + 40);
    expect(readCpuMs(2 ** 22 + 1)).toBeNull();
  });
});

describe("subgraph fetches from our gateway's metrics", () => {
  it("sums the fetch duration histogram's count over subgraphs, and nothing else", () => {
    const text = [
      "# TYPE lienthong_gateway_subgraph_fetch_duration_seconds histogram",
      'lienthong_gateway_subgraph_fetch_duration_seconds_bucket{le="0.01",subgraph="a"} 3',
      'lienthong_gateway_subgraph_fetch_duration_seconds_count{subgraph="a"} 4',
      'lienthong_gateway_subgraph_fetch_duration_seconds_count{subgraph="b"} 7',
      'lienthong_gateway_subgraph_fetch_duration_seconds_sum{subgraph="b"} 0.2',
    ].join("\n");
    expect(subgraphFetchesIn(text)).toBe(11);
  });
});

describe("median of runs", () => {
  it("takes the middle value, the mean of two middles, and skips runs without the figure", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1])).toBe(2.5);
    expect(median([null, 5])).toBe(5);
    expect(median([null])).toBeNull();
  });
});

describe("benchmark plan", () => {
  const plan = planBenchmark(
    everyCell(
      ["ours-off", "ours-dedup", "ours", "hive-no-dedup"],
      ["guild", "province-cold", "province-warm", "province-poll"],
    ),
    settings,
  );
  const cells = plan.flatMap((phase) =>
    phase.processes.flatMap((each) =>
      each.workloads.map((workload) => `${phase.stack} ${each.gateway} ${workload}`),
    ),
  );

  it("runs each variant's own workloads only, on the subgraphs its kind needs", () => {
    expect(cells).toEqual([
      "guild ours-off guild",
      "guild ours-dedup guild",
      "guild ours guild",
      "guild hive-no-dedup guild",
      "signed-record-cache-off ours-off province-cold",
      "signed-record-cache-off ours-off province-warm",
      "signed-record-cache-off ours province-cold",
      "signed-record-cache-on ours province-warm",
      "signed-record-cache-on ours province-poll",
      "unsigned hive-no-dedup province-warm",
    ]);
  });

  it("starts one gateway per distinct setting its workloads need", () => {
    const cached = plan.find((phase) => phase.stack === "signed-record-cache-on")!;
    expect(cached.processes.map((each) => each.oursEnv)).toEqual([{}, { CACHE_MAX_AGE_SECONDS: "5" }]);
    expect(plan[0]!.processes[0]!.oursEnv).toEqual({ MAX_COST: "1000000" });
  });

  it("smoke-tests every variant and every workload once, peers on the Guild query only", () => {
    const smoke = smokeCells(GATEWAY_IDS, WORKLOAD_IDS).map((cell) => `${cell.gateway} ${cell.workload}`);
    for (const gateway of GATEWAY_IDS)
      expect(smoke.some((cell) => cell.startsWith(`${gateway} `))).toBe(true);
    for (const workload of WORKLOAD_IDS)
      expect(smoke.some((cell) => cell.endsWith(` ${workload}`))).toBe(true);
    expect(smoke.length).toBeLessThan(everyCell(GATEWAY_IDS, WORKLOAD_IDS).length);
    expect(smoke.filter((cell) => /^(apollo|hive)/.test(cell) && !cell.endsWith(" guild"))).toEqual([]);
  });

  it("estimates a run from its windows and process starts", () => {
    const seconds = estimateSeconds(plan, settings);
    // At least the measured windows: 6 load cells × (5 + 3 × 10) s, and the 60 s poll.
    expect(seconds).toBeGreaterThan(6 * 35 + 60);
    expect(estimateSeconds(plan, { ...settings, runs: 1 })).toBeLessThan(seconds);
  });
});

describe("cold cells' warm-up", () => {
  it("sends cold requests, each after a purge, rotating the bodies, until its time is up", async () => {
    const events: string[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        events.push(`request ${JSON.parse(body).variables.n}`);
        response.setHeader("content-type", "application/json");
        response.end('{"data":{}}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const bodies = [0, 1].map((n) => JSON.stringify({ query: "{ a }", variables: { n } }));
    const started = performance.now();
    try {
      await warmUpCold(
        bodies,
        {
          gateway: "ours",
          url: `http://127.0.0.1:${port}/graphql`,
          pid: process.pid,
          purge: async () => {
            events.push("purge");
          },
          subgraphFetches: null,
        },
        0.3,
      );
    } finally {
      server.close();
    }
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(events.length).toBeGreaterThanOrEqual(4);
    events.forEach((event, index) => {
      expect(event).toBe(index % 2 === 0 ? "purge" : `request ${Math.floor(index / 2) % 2}`);
    });
  });
});
