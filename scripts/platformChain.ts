/** A platform request as the sandbox logs it (`/_sandbox/stats` → `requests`): ms since the stats were reset. */
export interface PlatformCall {
  endpoint: string;
  startMs: number;
  endMs: number;
}

export interface PlatformChain {
  /** The calls of the chain, each started after the one before was answered. */
  calls: PlatformCall[];
  /** The time spent waiting on the platform along the chain: the sum of its calls' durations. */
  waitMs: number;
}

/**
 * The slowest chain of platform calls of an operation: among the sequences of calls in which each started only after
 * the previous was answered, the one whose calls take longest in sum. A call that started after another ended may not
 * have needed its answer, so this is what the operation did wait for, an upper bound of what it had to: measured
 * after every avoidable wait is gone, it is the floor no gateway or subgraph work can go under.
 */
export function slowestChain(calls: readonly PlatformCall[]): PlatformChain {
  const byStart = [...calls].sort((a, b) => a.startMs - b.startMs);
  const best: PlatformChain[] = [];
  let slowest: PlatformChain = { calls: [], waitMs: 0 };
  byStart.forEach((call, i) => {
    let before: PlatformChain = { calls: [], waitMs: 0 };
    for (let j = 0; j < i; j++) {
      if (byStart[j]!.endMs <= call.startMs && best[j]!.waitMs > before.waitMs) before = best[j]!;
    }
    best[i] = { calls: [...before.calls, call], waitMs: before.waitMs + call.endMs - call.startMs };
    if (best[i]!.waitMs > slowest.waitMs) slowest = best[i]!;
  });
  return slowest;
}
