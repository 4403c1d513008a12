import { type PlatformCall, slowestChain } from "./platformChain.ts";

/**
 * Where one cold ProvinceDashboard spent its time, in ms after the client sent it, read off the sandbox's request log:
 * the reporting platform calls come first (the province, its communes, task progress and deployments), then one
 * statistics call per statistics platform for the province and its communes together.
 */
export interface ColdPhases {
  firstReportingCallStart: number;
  lastReportingCallEnd: number;
  firstStatisticsCallStart: number;
  lastStatisticsCallStart: number;
  lastStatisticsCallEnd: number;
  answered: number;
  /** The slowest chain of platform calls (scripts/platformChain.ts): the wait no work of ours can remove. */
  floor: number;
  platformCalls: number;
  /** Each statistics platform's call (`GET /population/v1/stats`, …): when it started and when it was answered. */
  statisticsCalls: Record<string, { start: number; end: number }>;
}

const PHASE_NAMES = [
  "firstReportingCallStart",
  "lastReportingCallEnd",
  "firstStatisticsCallStart",
  "lastStatisticsCallStart",
  "lastStatisticsCallEnd",
  "answered",
  "floor",
  "platformCalls",
] as const satisfies readonly (keyof ColdPhases)[];

const isReporting = (call: PlatformCall) => call.endpoint.includes("/reporting/");

/**
 * `calls` are timed in ms since the sandbox's log was reset, `sentAtMs` and `answeredAtMs` on the same clock. Null
 * when the log lacks either kind of call, which a cold dashboard always makes: that request failed or was cached.
 */
export function coldPhases(
  calls: readonly PlatformCall[],
  sentAtMs: number,
  answeredAtMs: number,
): ColdPhases | null {
  const reporting = calls.filter(isReporting);
  const statistics = calls.filter((call) => !isReporting(call));
  if (reporting.length === 0 || statistics.length === 0) return null;
  const after = (ms: number) => ms - sentAtMs;
  return {
    firstReportingCallStart: after(Math.min(...reporting.map((call) => call.startMs))),
    lastReportingCallEnd: after(Math.max(...reporting.map((call) => call.endMs))),
    firstStatisticsCallStart: after(Math.min(...statistics.map((call) => call.startMs))),
    lastStatisticsCallStart: after(Math.max(...statistics.map((call) => call.startMs))),
    lastStatisticsCallEnd: after(Math.max(...statistics.map((call) => call.endMs))),
    answered: after(answeredAtMs),
    floor: slowestChain(calls).waitMs,
    platformCalls: calls.length,
    statisticsCalls: Object.fromEntries(
      statistics.map((call) => [call.endpoint, { start: after(call.startMs), end: after(call.endMs) }]),
    ),
  };
}

/** Each phase's median over the runs (the upper one of an even count). */
export function medianPhases(runs: readonly ColdPhases[]): ColdPhases {
  if (runs.length === 0) throw new Error("no runs to summarise");
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const phases = Object.fromEntries(PHASE_NAMES.map((name) => [name, median(runs.map((run) => run[name]))]));
  // An endpoint's median over the runs that called it: a run whose call was answered from a cache has none.
  const endpoints = new Set(runs.flatMap((run) => Object.keys(run.statisticsCalls)));
  const statisticsCalls = Object.fromEntries(
    [...endpoints].map((endpoint) => {
      const timed = runs.flatMap((run) => run.statisticsCalls[endpoint] ?? []);
      return [endpoint, { start: median(timed.map((t) => t.start)), end: median(timed.map((t) => t.end)) }];
    }),
  );
  return { ...phases, statisticsCalls } as ColdPhases;
}
