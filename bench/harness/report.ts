import type { CellResult, CellSettings } from "./cells.ts";
import type { GatewayId } from "./gateways.ts";
import { GATEWAYS } from "./gateways.ts";
import type { MachineInfo } from "./machine.ts";
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

const HEADERS = [
  "gateway",
  "status",
  "req/s",
  "vs Apollo",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "peak RSS MB",
  "platform req/op",
];

/** One row per cell; `vs Apollo` is throughput ÷ Apollo's for load cells and Apollo's p50 ÷ this p50 for cold ones. */
export function tableRows(results: CellResult[], workload: WorkloadId): string[][] {
  const cells = results.filter((result) => result.workload === workload);
  const apollo = cells.find((cell) => cell.gateway === "apollo" && cell.status !== "FAILED");
  return cells.map((cell) => [
    GATEWAYS[cell.gateway].label,
    cell.status,
    cell.requestsPerSecond === null ? "—" : cell.requestsPerSecond.toFixed(1),
    ratioAgainst(apollo, cell),
    number(cell.latencyMs?.p50),
    number(cell.latencyMs?.p95),
    number(cell.latencyMs?.p99),
    cell.peakRssMb === null ? "—" : String(cell.peakRssMb),
    cell.platformRequestsPerOperation === null ? "—" : String(cell.platformRequestsPerOperation),
  ]);
}

function ratioAgainst(apollo: CellResult | undefined, cell: CellResult): string {
  if (!apollo || cell.status === "FAILED") return "—";
  if (cell.mode === "load") {
    if (!apollo.requestsPerSecond || cell.requestsPerSecond === null) return "—";
    return `${(cell.requestsPerSecond / apollo.requestsPerSecond).toFixed(2)}×`;
  }
  if (!apollo.latencyMs?.p50 || !cell.latencyMs?.p50) return "—";
  return `${(apollo.latencyMs.p50 / cell.latencyMs.p50).toFixed(2)}× faster`;
}

function number(value: number | undefined): string {
  return value === undefined ? "—" : value.toFixed(1);
}

function workloadsIn(results: CellResult[]): WorkloadId[] {
  return [...new Set(results.map((result) => result.workload))];
}

function workloadHeading(workload: WorkloadId, record: RunRecord): string {
  const definition = WORKLOADS[workload];
  const method =
    definition.mode === "cold"
      ? `${record.settings.coldRequests} sequential requests, every cache purged before each`
      : `${record.settings.connections} connections, ${record.settings.warmupSeconds} s warm-up, ${record.settings.durationSeconds} s measured`;
  return `${definition.title} (${method})`;
}

export function formatTextTable(record: RunRecord): string {
  const lines: string[] = [];
  for (const workload of workloadsIn(record.results)) {
    const rows = [HEADERS, ...tableRows(record.results, workload)];
    const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    lines.push("", workloadHeading(workload, record));
    for (const row of rows) lines.push(row.map((value, column) => value.padEnd(widths[column]!)).join("  "));
    for (const cell of record.results.filter((each) => each.workload === workload && each.note)) {
      lines.push(`  ${cell.gateway}: ${cell.note}`);
    }
  }
  return lines.join("\n");
}

function markdownTable(rows: string[][]): string {
  const line = (row: string[]) => `| ${row.map((value) => value.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(HEADERS), line(HEADERS.map(() => "---")), ...rows.map(line)].join("\n");
}

interface TargetCheck {
  target: string;
  outcome: string;
}

function find(results: CellResult[], workload: WorkloadId, gateway: GatewayId): CellResult | undefined {
  return results.find(
    (each) => each.workload === workload && each.gateway === gateway && each.status !== "FAILED",
  );
}

/** The targets, read off this run; a missing or failed cell says so instead of guessing. */
export function targetChecks(record: RunRecord): TargetCheck[] {
  const results = record.results;
  const verdict = (met: boolean) => (met ? "met" : "**missed**");
  const checks: TargetCheck[] = [];
  const guildOurs = find(results, "guild", "ours-off");
  const guildApollo = find(results, "guild", "apollo");
  const guildHive = find(results, "guild", "hive");
  if (guildOurs?.requestsPerSecond && guildApollo?.requestsPerSecond) {
    const ratio = guildOurs.requestsPerSecond / guildApollo.requestsPerSecond;
    checks.push({
      target: "Guild workload, caches off: ≥ 3× Apollo Gateway req/s",
      outcome: `${ratio.toFixed(2)}× — ${verdict(ratio >= 3)}`,
    });
  }
  if (guildOurs?.requestsPerSecond && guildHive?.requestsPerSecond) {
    const ratio = guildOurs.requestsPerSecond / guildHive.requestsPerSecond;
    checks.push({
      target: "Guild workload, caches off: ≥ Hive Gateway req/s",
      outcome: `${ratio.toFixed(2)}× Hive — ${verdict(ratio >= 1)}`,
    });
  }
  if (guildOurs?.peakRssMb && guildHive?.peakRssMb) {
    checks.push({
      target: "Guild workload, caches off: lower peak RSS than Hive Gateway",
      outcome: `${guildOurs.peakRssMb} MB vs ${guildHive.peakRssMb} MB — ${verdict(guildOurs.peakRssMb < guildHive.peakRssMb)}`,
    });
  }
  const warmOurs = find(results, "province-warm", "ours");
  const warmApollo = find(results, "province-warm", "apollo");
  if (warmOurs?.requestsPerSecond && warmApollo?.requestsPerSecond) {
    const ratio = warmOurs.requestsPerSecond / warmApollo.requestsPerSecond;
    checks.push({
      target: "ProvinceDashboard warm: ≥ 20× Apollo Gateway req/s",
      outcome: `${ratio.toFixed(1)}× — ${verdict(ratio >= 20)}`,
    });
  }
  if (warmOurs?.latencyMs) {
    checks.push({
      target: `ProvinceDashboard warm: p99 < 20 ms at ${record.settings.connections} connections`,
      outcome: `${warmOurs.latencyMs.p99.toFixed(1)} ms — ${verdict(warmOurs.latencyMs.p99 < 20)}`,
    });
  }
  const coldOurs = find(results, "province-cold", "ours");
  if (coldOurs?.platformRequestsPerOperation != null) {
    checks.push({
      target: "ProvinceDashboard cold: ≤ 8 platform requests per dashboard",
      outcome: `${coldOurs.platformRequestsPerOperation} — ${verdict(coldOurs.platformRequestsPerOperation <= 8)}`,
    });
  }
  if (coldOurs?.latencyMs) {
    // Two sequential subgraph round trips, each waiting on at least one platform call of the injected latency.
    const floorMs = 2 * record.sandboxLatencyMs;
    checks.push({
      target: `ProvinceDashboard cold: p50 within 2× the plan's floor (≥ ${floorMs} ms: two sequential subgraph round trips, each with ≥ one ${record.sandboxLatencyMs} ms platform call)`,
      outcome: `p50 ${coldOurs.latencyMs.p50.toFixed(1)} ms = ${(coldOurs.latencyMs.p50 / floorMs).toFixed(2)}× that lower bound — ${verdict(coldOurs.latencyMs.p50 <= 2 * floorMs)}`,
    });
  }
  return checks;
}

export function renderResultsMarkdown(record: RunRecord, notes: string[], jsonFile: string): string {
  const { machine } = record;
  const failed = record.results.filter((each) => each.status !== "ok");
  const sections = [
    "# Benchmark results",
    "",
    `Generated by \`bench/run.ts\`; the raw numbers of this run are in \`bench/results/${jsonFile}\`.`,
    "",
    "## Run",
    "",
    `- Command: \`${record.command}\``,
    `- Date: ${record.startedAt} → ${record.finishedAt}`,
    `- Commit: \`${machine.gitCommit}\`${machine.gitDirty ? " (working tree had uncommitted changes)" : ""}`,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, Node ${machine.node}`,
    `- Load average (1/5/15 min): ${machine.loadAverageAtStart.join(" / ")} at start, ${record.loadAverageAtEnd.join(" / ")} at end`,
    `- Load: autocannon in its own process, ${record.settings.connections} connections, ${record.settings.warmupSeconds} s warm-up then ${record.settings.durationSeconds} s measured; cold cells ${record.settings.coldRequests} sequential requests`,
    `- Sandbox latency ${record.sandboxLatencyMs} ms per platform request; our gateway's caches ${record.redisUrl ? "in Redis" : "in memory (no REDIS_URL)"}`,
    "",
    failed.length === 0
      ? "Every cell completed without non-2xx replies or GraphQL errors, and every gateway's `data` matched ours."
      : `**${failed.length} cell(s) did not pass** (FAILED = errors during the run or at verification; MISMATCH = \`data\` differs from ours): see the notes under each table.`,
    "",
    "## Results",
    "",
    "`vs Apollo`: requests/s ÷ Apollo Gateway's for load cells; Apollo's p50 ÷ this p50 for cold cells. Where the time goes when a target is missed: `bench/PROFILES.md`.",
  ];
  for (const workload of workloadsIn(record.results)) {
    sections.push(
      "",
      `### ${workloadHeading(workload, record)}`,
      "",
      markdownTable(tableRows(record.results, workload)),
    );
    for (const cell of record.results.filter((each) => each.workload === workload && each.note)) {
      sections.push("", `- ${GATEWAYS[cell.gateway].label}: ${cell.note}`);
    }
    const cold = record.results.find(
      (each) => each.workload === workload && each.gateway === "ours" && each.platformRequestsByEndpoint,
    );
    if (cold?.platformRequestsByEndpoint) {
      sections.push("", "Platform requests per cold dashboard (our defaults), by endpoint:", "");
      for (const [endpoint, count] of Object.entries(cold.platformRequestsByEndpoint)) {
        sections.push(`- \`${endpoint}\`: ${count}`);
      }
    }
  }
  const checks = targetChecks(record);
  if (checks.length > 0) {
    sections.push("", "## Targets (from issue 6)", "", "| target | this run |", "| --- | --- |");
    for (const check of checks) sections.push(`| ${check.target} | ${check.outcome} |`);
  }
  sections.push("", "## How it was measured", "", ...notes.map((note) => `- ${note}`), "");
  return sections.join("\n");
}
