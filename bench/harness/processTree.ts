import { readFileSync } from "node:fs";

/**
 * A process and its descendants (Linux /proc), so a gateway that forks workers is measured as a whole.
 * Threads belong to their process's /proc entries already; only forked processes need walking.
 */
export function processTree(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(processTree)];
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
