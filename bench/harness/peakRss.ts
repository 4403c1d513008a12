import { readFileSync, writeFileSync } from "node:fs";

/**
 * Peak resident set (VmHWM) of a process and its descendants in kB, so a gateway that forks workers is
 * charged for all of them. Summing per-process peaks can only overstate, never hide, memory.
 */
export function readPeakRssKb(pid: number): number | null {
  const own = readStatusField(pid, "VmHWM");
  if (own === null) return null;
  return childrenOf(pid).reduce((total, child) => total + (readPeakRssKb(child) ?? 0), own);
}

/**
 * Restarts the peak (Linux `clear_refs` 5) of a process and its descendants, so one long-lived gateway
 * process reports the peak of each measured cell rather than of its whole life.
 */
export function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    return;
  }
  for (const child of childrenOf(pid)) resetPeakRss(child);
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

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(/\s+/)
      .filter((entry) => entry.length > 0)
      .map(Number);
  } catch {
    return [];
  }
}
