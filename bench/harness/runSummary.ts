import type { LatencySummary } from "./loadProtocol.ts";
import type { PollMeasurement, RunMeasurement } from "./measure.ts";

export interface RunsSummary {
  requests: number;
  requestsPerSecond: number | null;
  latencyMs: LatencySummary | null;
  cpuMsPerRequest: number | null;
  non2xx: number;
  graphqlErrors: number;
  transportErrors: number;
  platformRequestsPerOperation: number | null;
  platformRequestsByEndpoint: Record<string, number> | null;
  platformFloorMs: number | null;
  loadAverage1m: number | null;
  stealPercent: number | null;
  poll: PollMeasurement | null;
}

/**
 * What a cell reports of its runs: each figure's median over the runs (taken figure by figure, so one disturbed run
 * moves none of them), errors and requests summed, since one failed request fails the cell.
 */
export function medianOfRuns(runs: readonly RunMeasurement[]): RunsSummary {
  const of = (pick: (run: RunMeasurement) => number | null) => median(runs.map(pick));
  const sum = (pick: (run: RunMeasurement) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const endpoints = new Set(runs.flatMap((run) => Object.keys(run.platformRequestsByEndpoint ?? {})));
  return {
    requests: sum((run) => run.requests),
    requestsPerSecond: of((run) => run.requestsPerSecond),
    latencyMs:
      runs.length === 0
        ? null
        : {
            p50: of((run) => run.latencyMs.p50)!,
            p95: of((run) => run.latencyMs.p95)!,
            p99: of((run) => run.latencyMs.p99)!,
            mean: of((run) => run.latencyMs.mean)!,
            max: of((run) => run.latencyMs.max)!,
          },
    cpuMsPerRequest: of((run) => run.cpuMsPerRequest),
    non2xx: sum((run) => run.non2xx),
    graphqlErrors: sum((run) => run.graphqlErrors),
    transportErrors: sum((run) => run.transportErrors),
    platformRequestsPerOperation: of((run) => run.platformRequestsPerOperation),
    platformRequestsByEndpoint: runs.some((run) => run.platformRequestsByEndpoint)
      ? Object.fromEntries(
          [...endpoints].map((endpoint) => [
            endpoint,
            of((run) => run.platformRequestsByEndpoint?.[endpoint] ?? 0)!,
          ]),
        )
      : null,
    platformFloorMs: of((run) => run.platformFloorMs),
    loadAverage1m: of((run) => run.loadAverage1m),
    stealPercent: of((run) => run.stealPercent),
    poll: runs.find((run) => run.poll)?.poll ?? null,
  };
}

/** The middle value (the mean of the two middle ones for an even count); null when no run has the figure. */
export function median(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const middle = Math.floor(known.length / 2);
  const value = known.length % 2 === 1 ? known[middle]! : (known[middle - 1]! + known[middle]!) / 2;
  return Math.round(value * 1000) / 1000;
}
