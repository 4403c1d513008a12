import { describe, expect, it } from "vitest";
import { parseCpuTicks, stealPercentBetween } from "../../../bench/harness/cpuSteal.ts";

// The first lines of a 2-core guest's /proc/stat: user nice system idle iowait irq softirq steal guest guest_nice.
const procStat = (user: number, idle: number, steal: number) =>
  [`cpu  ${user} 10 200 ${idle} 5 0 15 ${steal} 40 0`, "cpu0 1 0 1 1 0 0 0 0 0 0", "intr 12345 0 0"].join(
    "\n",
  );

describe("CPU steal of the machine", () => {
  it("reads the aggregate line, leaving guest time out since user already counts it", () => {
    expect(parseCpuTicks(procStat(1000, 5000, 300))).toEqual({
      total: 1000 + 10 + 200 + 5000 + 5 + 0 + 15 + 300,
      steal: 300,
    });
  });

  it("is the stolen share of the CPU time that passed between two readings", () => {
    const start = parseCpuTicks(procStat(1000, 5000, 300));
    // 600 user + 100 idle + 300 stolen ticks later: 30 % of the machine's time went to other guests.
    const end = parseCpuTicks(procStat(1600, 5100, 600));
    expect(stealPercentBetween(start, end)).toBe(30);
  });

  it("says nothing rather than a wrong figure without a steal field or without time passing", () => {
    expect(parseCpuTicks("cpu  1 2 3 4\nintr 1")).toBeNull();
    expect(parseCpuTicks("intr 1")).toBeNull();
    const reading = parseCpuTicks(procStat(1000, 5000, 300));
    expect(stealPercentBetween(reading, reading)).toBeNull();
    expect(stealPercentBetween(null, reading)).toBeNull();
  });
});
