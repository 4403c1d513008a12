import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { processTree } from "./processTree.ts";

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat's CPU times (100 on every usual Linux). */
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/**
 * User + system CPU time in ms consumed so far by a process, all its threads and its live descendants (a gateway
 * with WORKERS > 1 is charged for every worker). Read from outside, so every gateway is measured the same way
 * whatever it runs. Null when the process is gone.
 */
export function readCpuMs(pid: number): number | null {
  const [own, ...children] = processTree(pid).map(cpuTicksOf);
  if (own === null || own === undefined) return null;
  const ticks = children.reduce<number>((total, child) => total + (child ?? 0), own);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function cpuTicksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the line, 12 and 13 counted from the state (field 3).
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

const SETTLE_INTERVAL_MS = 250;
/** CPU per interval below which the process counts as idle: 4 % of a core, above a Node server's idle timers. */
const IDLE_CPU_MS = 10;
const SETTLE_LIMIT_MS = 20_000;

/**
 * The process's CPU time once it has gone idle: when a load window closes, requests still in flight keep the gateway
 * busy after the client has stopped counting, and their work belongs to the window's requests.
 */
export async function settledCpuMs(pid: number): Promise<number | null> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  let previous = readCpuMs(pid);
  while (previous !== null && Date.now() < deadline) {
    await sleep(SETTLE_INTERVAL_MS);
    const current = readCpuMs(pid);
    if (current === null || current - previous < IDLE_CPU_MS) return current;
    previous = current;
  }
  return previous;
}
