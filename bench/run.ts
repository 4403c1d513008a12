import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseBenchArgs, USAGE } from "./harness/args.ts";
import { runBenchmark } from "./harness/benchmark.ts";
import { describeMachine } from "./harness/machine.ts";
import { methodNotes } from "./harness/methodNotes.ts";
import { estimateSeconds, everyCell, planBenchmark, smokeCells } from "./harness/plan.ts";
import { createProcessGroup } from "./harness/processes.ts";
import type { RunRecord } from "./harness/report.ts";
import { formatTextTable, renderResultsMarkdown } from "./harness/report.ts";

const SANDBOX_LATENCY_MS = 5;

let args: ReturnType<typeof parseBenchArgs>;
try {
  args = parseBenchArgs(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`${(error as Error).message}\nusage: ${USAGE}`);
  process.exit(2);
}

const command = ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(
  " ",
);
const machine = describeMachine();
const startedAt = new Date().toISOString();
const cells =
  args.mode === "smoke"
    ? smokeCells(args.gateways, args.workloads)
    : everyCell(args.gateways, args.workloads);
const plan = planBenchmark(cells, args.settings);
const cellCount = plan.flatMap((phase) => phase.processes.flatMap((process) => process.workloads)).length;
console.log(`bench (${args.mode}): ${args.gateways.join(", ")} × ${args.workloads.join(", ")}`);
console.log(
  `${cellCount} cells, ${args.settings.runs} run(s) each (the polling cell once); expected duration about ${minutes(estimateSeconds(plan, args.settings))}`,
);

const processes = createProcessGroup();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the gateways and subgraphs started by the harness`);
    void processes.stopAll().then(() => process.exit(130));
  });
}

const results = await runBenchmark(
  {
    settings: args.settings,
    plan,
    redisUrl: args.redisUrl,
    sandboxLatencyMs: SANDBOX_LATENCY_MS,
    profileDir: args.profileDir,
  },
  { processes, log: (line) => console.log(line) },
);

const record: RunRecord = {
  startedAt,
  finishedAt: new Date().toISOString(),
  command,
  settings: args.settings,
  sandboxLatencyMs: SANDBOX_LATENCY_MS,
  redisUrl: args.redisUrl,
  machine,
  loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
  results,
};

console.log(formatTextTable(record));
console.log(`\ntook ${minutes((Date.parse(record.finishedAt) - Date.parse(startedAt)) / 1000)}`);
mkdirSync(args.resultsDir, { recursive: true });
const jsonFile = `${startedAt.replaceAll(":", "-").replace(/\..*$/, "")}-${args.mode}.json`;
const jsonPath = join(args.resultsDir, jsonFile);
writeFileSync(jsonPath, `${JSON.stringify(record, null, 2)}\n`);
console.log(`\nresults: ${jsonPath}`);
if (args.writeResultsMarkdown) {
  const path = new URL("./RESULTS.md", import.meta.url);
  writeFileSync(path, renderResultsMarkdown(record, methodNotes(record), jsonFile));
  console.log(`wrote ${path.pathname}`);
}
process.exitCode = results.every((result) => result.status === "ok") ? 0 : 1;

function minutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;
}
