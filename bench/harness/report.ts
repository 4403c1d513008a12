import type { CellResult, CellSettings } from "./cells.ts";
import { GATEWAYS } from "./gateways.ts";
import type { MachineInfo } from "./machine.ts";
import { targetChecks, worstSlotP99 } from "./targets.ts";
import type { WorkloadId } from "./workloads.ts";
import { WORKLOADS } from "./workloads.ts";

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  command: string;
  settings: CellSettings;
  sandboxLatencyMs: number;
  redisUrl: string | null;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  results: CellResult[];
}

// `req/s` stays the third column: scripts/capacity.ts reads it.
const HEADERS = [
  "gateway",
  "status",
  "req/s",
  "runs",
  "vs Apollo",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "CPU ms/req",
  "CPU vs Apollo",
  "peak RSS MB",
  "platform req/op",
  "load 1m",
  "steal %",
];

/**
 * One row per cell. `runs`: each run's req/s (load) or p50 (cold); `vs Apollo`: throughput ÷ Apollo's for load cells,
 * Apollo's p50 ÷ this p50 for cold ones; `CPU vs Apollo`: this CPU-ms per request ÷ Apollo's (lower is cheaper).
 */
export function tableRows(results: CellResult[], workload: WorkloadId): string[][] {
  const cells = results.filter((result) => result.workload === workload);
  const apollo = cells.find((cell) => cell.gateway === "apollo" && cell.status !== "FAILED");
  return cells.map((cell) => [
    GATEWAYS[cell.gateway].label,
    cell.status,
    cell.requestsPerSecond === null || cell.requests === 0 ? "—" : cell.requestsPerSecond.toFixed(1),
    runsColumn(cell),
    ratioAgainst(apollo, cell),
    // Without a completed request there is no latency to show, only the failure under the table.
    ...[cell.latencyMs?.p50, cell.latencyMs?.p95, cell.latencyMs?.p99].map((value) =>
      cell.requests === 0 ? "—" : number(value),
    ),
    cell.cpuMsPerRequest === null ? "—" : cell.cpuMsPerRequest.toFixed(2),
    cpuRatio(apollo, cell),
    cell.peakRssMb === null ? "—" : String(cell.peakRssMb),
    cell.platformRequestsPerOperation === null ? "—" : String(cell.platformRequestsPerOperation),
    cell.loadAverage1m === null ? "—" : cell.loadAverage1m.toFixed(1),
    cell.stealPercent === null ? "—" : cell.stealPercent.toFixed(1),
  ]);
}

function runsColumn(cell: CellResult): string {
  if (cell.runs.length === 0) return "—";
  return cell.runs
    .map((run) => (cell.mode === "cold" ? run.latencyMs.p50 : (run.requestsPerSecond ?? 0)).toFixed(0))
    .join(" / ");
}

function ratioAgainst(apollo: CellResult | undefined, cell: CellResult): string {
  if (!apollo || cell.status === "FAILED") return "—";
  if (cell.mode !== "cold") {
    if (!apollo.requestsPerSecond || cell.requestsPerSecond === null) return "—";
    return `${(cell.requestsPerSecond / apollo.requestsPerSecond).toFixed(2)}×`;
  }
  if (!apollo.latencyMs?.p50 || !cell.latencyMs?.p50) return "—";
  return `${(apollo.latencyMs.p50 / cell.latencyMs.p50).toFixed(2)}× faster`;
}

function cpuRatio(apollo: CellResult | undefined, cell: CellResult): string {
  if (!apollo?.cpuMsPerRequest || cell.cpuMsPerRequest === null || cell.status === "FAILED") return "—";
  return `${(cell.cpuMsPerRequest / apollo.cpuMsPerRequest).toFixed(2)}×`;
}

function number(value: number | undefined): string {
  return value === undefined ? "—" : value.toFixed(1);
}

function workloadsIn(results: CellResult[]): WorkloadId[] {
  return [...new Set(results.map((result) => result.workload))];
}

function workloadHeading(workload: WorkloadId, record: RunRecord): string {
  const definition = WORKLOADS[workload];
  const { settings } = record;
  const runs = settings.runs === 1 ? "1 run" : `median of ${settings.runs} runs`;
  const method = {
    cold: `${settings.coldWarmupSeconds} s warm-up, ${runs} of ${settings.coldRequests} sequential requests, every cache purged before each`,
    load: `${settings.connections} connections, ${settings.warmupSeconds} s warm-up, ${runs} of ${settings.durationSeconds} s measured`,
    poll: `${settings.connections} connections polling at ${settings.pollRequestsPerSecond} req/s in all for ${settings.pollSeconds} s, cache lifetime capped at ${settings.pollTtlSeconds} s, one run`,
  }[definition.mode];
  return `${definition.title} (${method})`;
}

/** Lines printed under a workload's table: cell notes, the cold cells' measured floor, the polling cell's refreshes. */
function detailLines(record: RunRecord, workload: WorkloadId): string[] {
  const cells = record.results.filter((each) => each.workload === workload);
  const lines = cells
    .filter((cell) => cell.note)
    .map((cell) => `${GATEWAYS[cell.gateway].label}: ${cell.note}`);
  const floors = cells.filter((cell) => cell.platformFloorMs && cell.latencyMs);
  if (floors.length > 0) {
    lines.push(
      `Measured floor (the slowest chain of platform calls each cold request waited for, median over the cell's requests, at ${record.sandboxLatencyMs} ms sandbox latency) and p50 ÷ floor:`,
      ...floors.map(
        (cell) =>
          `  ${GATEWAYS[cell.gateway].label}: floor ${cell.platformFloorMs!.toFixed(1)} ms, p50 ${cell.latencyMs!.p50.toFixed(1)} ms = ${(cell.latencyMs!.p50 / cell.platformFloorMs!).toFixed(2)}× the floor`,
      ),
    );
  }
  const ours = cells.find((cell) => cell.gateway === "ours" && cell.platformRequestsByEndpoint);
  if (ours?.platformRequestsByEndpoint) {
    lines.push(
      `Platform requests per cold dashboard (${GATEWAYS.ours.label}), by endpoint:`,
      ...Object.entries(ours.platformRequestsByEndpoint).map(
        ([endpoint, count]) => `  \`${endpoint}\`: ${count}`,
      ),
    );
  }
  for (const cell of cells.filter((each) => each.poll)) {
    const poll = cell.poll!;
    const slotP99 = poll.slotLatencyMs.map((slot) => (slot ? slot.p99.toFixed(1) : "none completed"));
    lines.push(
      `${GATEWAYS[cell.gateway].label}: p99 per ${poll.cacheLifetimeSeconds} s slot (ms): ${slotP99.join(" / ")}; worst ${worstSlotP99(poll)}`,
      `${GATEWAYS[cell.gateway].label}: ${poll.subgraphFetches} subgraph fetches in the window; one round of every polled dashboard from empty caches takes ${poll.fetchesPerRound}; ${poll.expiries} expiries → ${poll.refreshesPerKeyPerExpiry} refreshes per key per expiry`,
    );
  }
  return lines;
}

export function formatTextTable(record: RunRecord): string {
  const lines: string[] = [];
  for (const workload of workloadsIn(record.results)) {
    const rows = [HEADERS, ...tableRows(record.results, workload)];
    const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    lines.push("", workloadHeading(workload, record));
    for (const row of rows) lines.push(row.map((value, column) => value.padEnd(widths[column]!)).join("  "));
    for (const line of detailLines(record, workload)) lines.push(`  ${line}`);
  }
  const checks = targetChecks(record);
  if (checks.length > 0) lines.push("", "Targets:");
  for (const check of checks) lines.push(`  [issue ${check.issue}] ${check.target}: ${check.outcome}`);
  return lines.join("\n");
}

function markdownTable(rows: string[][]): string {
  const line = (row: string[]) => `| ${row.map((value) => value.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(HEADERS), line(HEADERS.map(() => "---")), ...rows.map(line)].join("\n");
}

export function renderResultsMarkdown(record: RunRecord, notes: string[], jsonFile: string): string {
  const { machine, settings } = record;
  const failed = record.results.filter((each) => each.status !== "ok");
  const sections = [
    "# Benchmark results",
    "",
    `Generated by \`bench/run.ts\`; the raw numbers of this run (every run of every cell) are in \`bench/results/${jsonFile}\`.`,
    "",
    "## Run",
    "",
    `- Command: \`${record.command}\``,
    `- Date: ${record.startedAt} → ${record.finishedAt}`,
    `- Commit: \`${machine.gitCommit}\`${machine.gitDirty ? " (working tree had uncommitted changes)" : ""}`,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, Node ${machine.node}`,
    `- Machine speed: a reference workload (40 JSON round trips of a 200 KB document, \`bench/harness/machine.ts\`) took ${machine.referenceWorkloadMs} ms at start (median of 3); compare runs of different machines by it before comparing their figures`,
    `- Load average (1/5/15 min): ${machine.loadAverageAtStart.join(" / ")} at start, ${record.loadAverageAtEnd.join(" / ")} at end; each cell's \`load 1m\` is the median of the 1-minute load average at the end of its runs, and \`steal %\` the median over its runs of the CPU time the hypervisor gave to other guests (\`/proc/stat\`), which the load average does not show`,
    `- Load: autocannon in its own process, ${settings.connections} connections, ${settings.warmupSeconds} s warm-up then ${settings.runs} × ${settings.durationSeconds} s measured; cold cells ${settings.coldWarmupSeconds} s warm-up then ${settings.runs} × ${settings.coldRequests} sequential requests; polling cell ${settings.warmupSeconds} s warm-up then ${settings.pollSeconds} s once, paced at ${settings.pollRequestsPerSecond} req/s`,
    `- Sandbox latency ${record.sandboxLatencyMs} ms per platform request; our gateway's caches ${record.redisUrl ? "in Redis" : "in memory (no REDIS_URL)"}`,
    "",
    failed.length === 0
      ? "Every cell completed without non-2xx replies or GraphQL errors, and every gateway's `data` matched ours."
      : `**${failed.length} cell(s) did not pass** (FAILED = errors during the run or at verification; MISMATCH = \`data\` differs from ours): see the notes under each table.`,
    "",
    "## Results",
    "",
    "Each figure is the median of the cell's runs (`runs` lists each run's req/s, or p50 for cold cells); peak RSS is the peak over the whole cell. `vs Apollo`: requests/s ÷ Apollo Gateway's for load cells, Apollo's p50 ÷ this p50 for cold cells. `CPU ms/req`: the gateway's user + system CPU over the measured window ÷ the requests it answered; `CPU vs Apollo`: that ÷ Apollo Gateway's (lower is cheaper). Where the time goes when a target is missed: `bench/PROFILES.md`.",
  ];
  for (const workload of workloadsIn(record.results)) {
    sections.push(
      "",
      `### ${workloadHeading(workload, record)}`,
      "",
      markdownTable(tableRows(record.results, workload)),
    );
    const details = detailLines(record, workload);
    if (details.length > 0)
      sections.push(
        "",
        ...details.map((line) => (line.startsWith("  ") ? `  -${line.slice(1)}` : `- ${line}`)),
      );
  }
  const checks = targetChecks(record);
  if (checks.length > 0) {
    sections.push("", "## Targets", "", "| issue | target | this run |", "| --- | --- | --- |");
    for (const check of checks) sections.push(`| ${check.issue} | ${check.target} | ${check.outcome} |`);
  }
  sections.push("", "## How it was measured", "", ...notes.map((note) => `- ${note}`), "");
  return sections.join("\n");
}
