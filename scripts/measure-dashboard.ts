// Measures the province dashboard (schema/operations/ProvinceDashboard.graphql) through the whole stack: latency
// p50/p95 and platform requests per dashboard, cold and warm, with the platform APIs at a fixed latency.
//
//   npx tsx scripts/measure-dashboard.ts [--province 40] [--latency 5] [--runs 20]
//
// Everything runs in this process on free loopback ports, wired as in production (test/support/stack.ts): the
// sandbox, the four subgraphs with their Redis record cache, the gateway with Redis APQ, response and entity
// caches, dedup, auth and rate limit. Needs the Redis at REDIS_URL (default redis://127.0.0.1:6379); every key
// lives under a prefix of this run's own and is removed at the end.
//
// cold:  before each run every cache of ours is emptied — the gateway's response and entity caches through
//        `POST /ops/purge {"scope":"all"}` (OPS_TOKEN), the subgraphs' record caches by deleting this run's keys —
//        so each run plans nothing from cache and fetches every record from the platforms.
// warm:  the same gateway after one priming run: answered from the response cache (x-cache: HIT).
// warm, response cache off: a second gateway with RESPONSE_CACHE=off, primed once: the entity cache answers the
//        `_entities` fetches and the record cache the rest, so this is what a dashboard costs when the whole
//        response has expired but its parts have not.
// Platform requests come from the sandbox's own counter (`/_sandbox/stats`). One discarded run first lets the
// sandbox build its per-unit aggregates (the simulator's internals, not a cache of ours).
//
// floor: for each cold run, the slowest chain of platform calls (scripts/platformChain.ts) from the arrival and
//        answer times the sandbox logs: the platform wait no work of ours can remove, at the sandbox's latency.
import { parseArgs } from "node:util";
import { readOperation, type StackGateway, startStack } from "../test/support/stack.ts";
import { type PlatformCall, type PlatformChain, slowestChain } from "./platformChain.ts";

interface Sample {
  ms: number;
  platformRequests: number;
  chain: PlatformChain;
  xCache: string | null;
}

interface SandboxStats {
  total: number;
  byEndpoint: Record<string, number>;
  requests: PlatformCall[];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function main() {
  const { values } = parseArgs({
    options: {
      province: { type: "string", default: "40" },
      latency: { type: "string", default: "5" },
      runs: { type: "string", default: "20" },
    },
    strict: true,
  });
  const runs = Number(values.runs);
  const latencyMs = Number(values.latency);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
  if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error("--latency must be an integer ≥ 0");
  return measure(values.province!, latencyMs, runs);
}

async function measure(province: string, latencyMs: number, runs: number) {
  const stack = await startStack();
  try {
    const dashboard = await readOperation("ProvinceDashboard");
    const variables = { code: province };
    await stack.sandbox.setFaults({ latencyMs, jitterMs: 0, errorRate: 0 });

    async function run(gateway: StackGateway): Promise<Sample> {
      await stack.sandbox.resetStats();
      const started = performance.now();
      const answer = await gateway.query(dashboard, variables);
      const ms = performance.now() - started;
      if (answer.errors || !answer.data?.province) {
        throw new Error(`ProvinceDashboard failed: ${JSON.stringify(answer.errors ?? answer.data)}`);
      }
      const { total, requests } = await sandboxStats();
      return {
        ms,
        platformRequests: total,
        chain: slowestChain(requests),
        xCache: answer.headers.get("x-cache"),
      };
    }

    async function sandboxStats(): Promise<SandboxStats> {
      return (await fetch(`${stack.sandbox.url}/_sandbox/stats`)).json() as Promise<SandboxStats>;
    }

    async function emptyCaches() {
      await stack.gateway.purge();
      await stack.flushRecordCaches();
    }

    await emptyCaches();
    await run(stack.gateway);

    const cold: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      await emptyCaches();
      cold.push(await run(stack.gateway));
    }
    const warm: Sample[] = [];
    for (let i = 0; i < runs; i++) warm.push(await run(stack.gateway));

    const partsOnly = await stack.startGateway({ RESPONSE_CACHE: "off" });
    await run(partsOnly);
    const warmParts: Sample[] = [];
    for (let i = 0; i < runs; i++) warmParts.push(await run(partsOnly));

    const rows: [string, Sample[]][] = [
      ["cold (all caches purged)", cold],
      ["warm (response cache)", warm],
      ["warm, response cache off (entity + record caches)", warmParts],
    ];
    process.stdout.write(
      `ProvinceDashboard province=${province}, sandbox latency ${latencyMs} ms, ${runs} runs each\n\n` +
        `| variant | p50 ms | p95 ms | platform requests per dashboard | x-cache |\n|---|---|---|---|---|\n`,
    );
    for (const [name, samples] of rows) {
      const ms = samples.map((sample) => sample.ms);
      const requests = [...new Set(samples.map((sample) => sample.platformRequests))].join(" / ");
      const xCache = [...new Set(samples.map((sample) => sample.xCache))].join(" / ");
      process.stdout.write(
        `| ${name} | ${percentile(ms, 50).toFixed(1)} | ${percentile(ms, 95).toFixed(1)} | ${requests} | ${xCache} |\n`,
      );
    }
    const floors = cold.map((sample) => sample.chain.waitMs);
    const median = cold.find((sample) => sample.chain.waitMs === percentile(floors, 50))!.chain;
    process.stdout.write(
      `\nfloor (slowest chain of platform calls, cold runs): p50 ${percentile(floors, 50).toFixed(1)} ms, ` +
        `min ${Math.min(...floors).toFixed(1)} ms, max ${Math.max(...floors).toFixed(1)} ms; the median run's chain: ` +
        `${median.calls.map((call) => `${call.endpoint} ${call.startMs}→${call.endMs}`).join(", ")}\n`,
    );
    await emptyCaches();
    await run(stack.gateway);
    const { byEndpoint, requests } = await sandboxStats();
    process.stdout.write(`\nplatform requests of one cold dashboard: ${JSON.stringify(byEndpoint)}\n`);
    for (const call of requests)
      process.stdout.write(`  ${call.startMs} → ${call.endMs} ms  ${call.endpoint}\n`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`measure-dashboard: ${error.message}\n`);
  process.exit(1);
});
