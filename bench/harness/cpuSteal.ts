import { readFileSync } from "node:fs";

/** The machine's CPU time since boot, in clock ticks summed over every core (the `cpu` line of /proc/stat). */
export interface MachineCpuTicks {
  total: number;
  steal: number;
}

/**
 * Reads the aggregate `cpu` line: user nice system idle iowait irq softirq steal guest guest_nice. Guest time is
 * already counted in user and nice, so it is left out of the total. Null when the line or its steal field is missing
 * (kernels before 2.6.11, other systems).
 */
export function parseCpuTicks(procStat: string): MachineCpuTicks | null {
  const line = procStat.split("\n").find((each) => each.startsWith("cpu "));
  if (!line) return null;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((value) => !Number.isFinite(value))) return null;
  return { total: fields.reduce((sum, value) => sum + value, 0), steal: fields[7]! };
}

function readCpuTicks(): MachineCpuTicks | null {
  try {
    return parseCpuTicks(readFileSync("/proc/stat", "utf8"));
  } catch {
    return null;
  }
}

/** Steal as a percentage of the machine's CPU time between two readings, one decimal; null without both. */
export function stealPercentBetween(
  start: MachineCpuTicks | null,
  end: MachineCpuTicks | null,
): number | null {
  if (!start || !end || end.total <= start.total) return null;
  return Math.round((1000 * (end.steal - start.steal)) / (end.total - start.total)) / 10;
}

/**
 * Starts measuring the share of CPU time the hypervisor gave to other guests while this one wanted it. On a virtual
 * machine this is load that the load average does not show: at 30 % steal every process here runs about a third
 * slower, and latency figures with it, although `load 1m` reads as quiet.
 */
export function stealMeter(): () => number | null {
  const start = readCpuTicks();
  return () => stealPercentBetween(start, readCpuTicks());
}
