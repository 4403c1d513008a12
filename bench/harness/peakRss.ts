import { readFileSync, writeFileSync } from "node:fs";
import { processTree } from "./processTree.ts";

/**
 * Peak resident set (VmHWM) of a process and its descendants in kB, so a gateway that forks workers is
 * charged for all of them. Summing per-process peaks can only overstate, never hide, memory.
 */
export function readPeakRssKb(pid: number): number | null {
  const [own, ...children] = processTree(pid).map((each) => readStatusField(each, "VmHWM"));
  if (own === null || own === undefined) return null;
  return children.reduce<number>((total, child) => total + (child ?? 0), own);
}

/**
 * Restarts the peak (Linux `clear_refs` 5) of a process and its descendants, so one long-lived gateway
 * process reports the peak of each measured cell rather than of its whole life.
 */
export function resetPeakRss(pid: number): void {
  for (const each of processTree(pid)) {
    try {
      writeFileSync(`/proc/${each}/clear_refs`, "5");
    } catch {
      // gone, or not ours to reset: its peak then covers more than the cell, which can only overstate
    }
  }
}

function readStatusField(pid: number, field: string): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
