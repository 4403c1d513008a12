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
  referenceLoopMs: number;
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
    referenceLoopMs: referenceLoopMs(),
  };
}

const REFERENCE_LOOP_ADDITIONS = 5e7;

/**
 * Sessions have run on machines three times apart in speed with the same load average; this loop (about 0.3–1 s)
 * tells them apart. The median of three, so one descheduled moment does not decide it.
 */
export function referenceLoopMs(additions: number = REFERENCE_LOOP_ADDITIONS): number {
  const timings: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    let sum = 0;
    for (let index = 0; index < additions; index++) sum += index;
    // The sum is used, so the loop cannot be dropped as dead code.
    if (sum < 0) throw new Error("unreachable");
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
