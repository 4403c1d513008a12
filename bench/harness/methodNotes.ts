import type { RunRecord } from "./report.ts";

/** How the numbers were produced, printed under the tables of RESULTS.md. */
export function methodNotes(record: RunRecord): string[] {
  const busy = record.machine.loadAverageAtStart[0]! >= record.machine.cores * 0.25;
  return [
    "Every gateway is its own Node process (`node --import tsx`, `NODE_ENV=production`) on a free loopback port, started and stopped by the harness; autocannon runs in a separate forked process (`bench/load.ts`).",
    "Apollo Gateway: `@apollo/gateway` + `@apollo/server` `startStandaloneServer`, no plugins (`bench/peers/apolloGateway.ts`). Hive Gateway: `createGatewayRuntime` of `@graphql-hive/gateway` on node:http, one process, configured as the public benchmark's `gateway.config.ts`: `inboundInflightRequestDeduplication: true` and JIT (`@graphql-mesh/plugin-jit`, what the CLI's `jit: true` adds) (`bench/peers/hiveGateway.ts`).",
    "Ours, caches off: `APQ_CACHE=off RESPONSE_CACHE=off ENTITY_CACHE=off DEDUP=off`, and its subgraphs `RECORD_CACHE=off`. Ours, defaults: every cache on. Both with `RATE_LIMIT=off`, because all benchmark traffic comes from one client and the per-caller limit would answer 429.",
    "Guild workload: `bench/guild/` re-implements The Guild's four benchmark subgraphs (accounts, products, reviews, inventory) in TypeScript on one port, no added delay; every gateway gets the fixture's supergraph with its URLs pointed at that port. Its query's estimated cost (about 108,000 with our assumed list size of 10) is over our default `MAX_COST=5000`, so both of our configurations run that workload with `MAX_COST=1000000`; nothing else differs from the defaults.",
    "Hive Gateway's `inboundInflightRequestDeduplication` answers concurrent identical requests with one execution, and 50 connections sending one query are almost always concurrent: its cells measure deduplicated execution. Our caches-off configuration has `DEDUP=off`, our defaults have it on.",
    "Apollo Gateway refuses to load a supergraph linking a `for: SECURITY` feature it cannot enforce, so its copy of our supergraph drops that purpose from the `@requiresScopes` link (the benchmark operations touch no scoped field). Hive Gateway and ours load the file unchanged.",
    `Platform workloads: the sandbox (${record.sandboxLatencyMs} ms latency on every platform request) and our four subgraphs. Peers cannot sign our internal caller context, so for the peer cells the subgraphs run WITHOUT \`INTERNAL_CONTEXT_SECRET\` (they serve the anonymous caller); our cells run against the same subgraph code started with the secret. Peers' subgraphs have the record cache off, like our caches-off configuration, so that comparison is execution only.`,
    'Cold cells: sequential requests from the harness; before each one our gateway\'s caches are emptied with `POST /ops/purge {"scope":"all"}` and its subgraphs run with the record cache off. Latency is per request as seen by the client, including nothing of the purge.',
    'Before timing, each distinct request body is sent once to every gateway and its `data` must deep-equal our caches-off gateway\'s answer; a difference marks the cell MISMATCH. A non-2xx reply, a transport error or a 2xx reply containing `"errors":` during the run marks the cell FAILED.',
    "Latency percentiles are exact (every response of the measured window). Peak RSS is VmHWM of the gateway process and its children, reset (`/proc/<pid>/clear_refs`) at the start of each cell, so it covers the cell's warm-up and measured window. Platform req/op = sandbox `/_sandbox/stats` total during the measured part ÷ completed operations.",
    busy
      ? `Measured on a busy, shared machine: other people's test runs were competing for the ${record.machine.cores} cores (1-minute load average ${record.machine.loadAverageAtStart[0]} at start). Absolute numbers are low, and because the other load varied during the run even ratios carry noise of tens of percent: read differences under about 1.5× as noise.`
      : `The machine is shared; it was quiet at the start of the run (1-minute load average ${record.machine.loadAverageAtStart[0]} on ${record.machine.cores} cores).`,
  ];
}
