// Measures one `_entities` fetch of a province's communes per subgraph, as the gateway sends it for the province
// dashboard: platform requests and latency, cold (empty record cache) and warm, with the sandbox at a fixed latency.
//
//   npx tsx scripts/measure-entities.ts [--subgraphs population,business] [--province 40] [--latency 5]
//                                       [--runs 20] [--redis redis://127.0.0.1:6379 | --redis off]
//
// Everything runs in this process on free loopback ports: the sandbox, and each subgraph with a Redis record cache
// under a key prefix of its own (or the in-memory LRU with --redis off).
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type { SubgraphConfig, SubgraphName } from "../subgraphs/kit/config.ts";
import type { SubgraphDeps, SubgraphServer } from "../subgraphs/kit/server.ts";
import { startTestSandbox, type TestSandbox } from "../test/support/sandbox.ts";
import { startTestSubgraph } from "../test/support/subgraph.ts";

type Factory = (config: SubgraphConfig, deps: SubgraphDeps) => SubgraphServer;

/** What each subgraph contributes to a Commune on the province dashboard. */
const TARGETS: Record<SubgraphName, { load: () => Promise<Factory>; selection: string }> = {
  population: {
    load: async () => (await import("../subgraphs/population/index.ts")).createPopulationSubgraph,
    selection: "populationStats { total }",
  },
  business: {
    load: async () => (await import("../subgraphs/business/index.ts")).createBusinessSubgraph,
    selection: "enterpriseStats { active }",
  },
  procedures: {
    load: async () => (await import("../subgraphs/procedures/index.ts")).createProceduresSubgraph,
    selection: "dossierStats { received onTimeRate overdue }",
  },
  reporting: {
    load: async () => (await import("../subgraphs/reporting/index.ts")).createReportingSubgraph,
    selection: "name type taskProgress(program: PLAN_02) { assigned completed }",
  },
};

interface Sample {
  requests: number;
  ms: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timedFetch(sandbox: TestSandbox, run: () => Promise<void>): Promise<Sample> {
  await sandbox.resetStats();
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  return { requests: (await sandbox.stats()).total, ms };
}

async function measure(
  name: SubgraphName,
  sandbox: TestSandbox,
  communes: string[],
  options: { runs: number; redis: string },
) {
  const factory = await TARGETS[name].load();
  const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Commune { code ${TARGETS[name].selection} } } }`;
  const variables = { representations: communes.map((code) => ({ __typename: "Commune", code })) };
  const env = (prefix: string): Record<string, string> => ({
    PLATFORM_BASE_URL: sandbox.url,
    ...(options.redis === "off" ? {} : { REDIS_URL: options.redis, REDIS_KEY_PREFIX: prefix }),
  });
  const send = (subgraph: Awaited<ReturnType<typeof startTestSubgraph>>) => async () => {
    const result = await subgraph.query(query, variables);
    if (result.errors || result.data?._entities?.length !== communes.length) {
      throw new Error(
        `${name}: unexpected answer ${JSON.stringify(result.errors ?? result.data).slice(0, 300)}`,
      );
    }
  };

  // Cold: a fresh record-cache namespace (and subgraph instance) per run, so nothing is cached yet. The first run
  // only warms up the code paths (JIT, connection pools) and is not counted.
  const cold: Sample[] = [];
  for (let i = 0; i <= Math.min(options.runs, 5); i++) {
    const subgraph = await startTestSubgraph(name, factory, env(`measure:${randomUUID().slice(0, 8)}:`));
    try {
      const sample = await timedFetch(sandbox, send(subgraph));
      if (i > 0) cold.push(sample);
    } finally {
      await subgraph.stop();
    }
  }
  // Warm: one instance, the first fetch fills the cache, the measured ones read it.
  const subgraph = await startTestSubgraph(name, factory, env(`measure:${randomUUID().slice(0, 8)}:`));
  const warm: Sample[] = [];
  try {
    await send(subgraph)();
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < options.runs; i++) warm.push(await timedFetch(sandbox, send(subgraph)));
  } finally {
    await subgraph.stop();
  }
  return {
    subgraph: name,
    communes: communes.length,
    coldPlatformRequests: Math.max(...cold.map((s) => s.requests)),
    coldMedianMs: Number(median(cold.map((s) => s.ms)).toFixed(1)),
    warmPlatformRequests: Math.max(...warm.map((s) => s.requests)),
    warmMedianMs: Number(median(warm.map((s) => s.ms)).toFixed(1)),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      subgraphs: { type: "string", default: "population,business" },
      province: { type: "string", default: "40" },
      latency: { type: "string", default: "5" },
      runs: { type: "string", default: "20" },
      redis: { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
    },
  });
  const names = values.subgraphs.split(",").map((s) => s.trim());
  for (const name of names) {
    if (!(name in TARGETS))
      throw new Error(`unknown subgraph '${name}' (known: ${Object.keys(TARGETS).join(", ")})`);
  }
  const sandbox = await startTestSandbox();
  try {
    await sandbox.setFaults({ latencyMs: Number(values.latency), jitterMs: 0, errorRate: 0 });
    const communes = (
      await sandbox.get<{ items: Array<{ code: string }> }>(
        `/reporting/v1/communes?provinces=${values.province}`,
      )
    ).items.map((c) => c.code);
    const rows = [];
    for (const name of names) {
      rows.push(
        await measure(name as SubgraphName, sandbox, communes, {
          runs: Number(values.runs),
          redis: values.redis,
        }),
      );
    }
    console.log(
      `province ${values.province}, sandbox latency ${values.latency} ms, record cache ${values.redis === "off" ? "in-memory" : "Redis"}, ${values.runs} warm runs`,
    );
    console.table(rows);
  } finally {
    await sandbox.stop();
  }
}

await main();
