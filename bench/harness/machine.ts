import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  gitCommit: string;
  /** Uncommitted changes in the working tree when the run started. */
  gitDirty: boolean;
  loadAverageAtStart: number[];
  /** ms one core took for a fixed loop at start: how fast this machine is, to compare runs of different machines. */
  referenceWorkloadMs: number;
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    gitCommit: git(["rev-parse", "--short", "HEAD"]) ?? "unknown",
    gitDirty: (git(["status", "--porcelain"]) ?? "").length > 0,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    referenceWorkloadMs: referenceWorkloadMs(),
  };
}

/** A commune-sized record, 1,000 times: about 200 KB of JSON with Vietnamese text, as the gateways handle. */
function referenceDocument(): unknown[] {
  return Array.from({ length: 1000 }, (_, index) => ({
    code: String(10000 + index),
    name: `Phường Bến Thành ${index}`,
    type: index % 3 === 0 ? "WARD" : "COMMUNE",
    populationStats: { total: 40000 + index, male: 20000 + index, female: 20000, households: 11000 },
    dossierStats: { received: 1500 + index, onTimeRate: 93.07, overdue: index % 7 },
  }));
}

/**
 * Sessions have run on machines three times apart in speed with the same load average; this tells them apart. The
 * work is the gateways' own kind (JSON written and read back, allocation, garbage collection) rather than a bare
 * loop that one JIT tier runs in registers. The median of three, so one descheduled moment does not decide it.
 */
export function referenceWorkloadMs(rounds: number = 40): number {
  const document = referenceDocument();
  const timings: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = performance.now();
    let length = 0;
    for (let round = 0; round < rounds; round++)
      length += (JSON.parse(JSON.stringify(document)) as unknown[]).length;
    if (length !== rounds * document.length) throw new Error("reference workload lost records");
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  return Math.round(timings[1]!);
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? "unknown";
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}
