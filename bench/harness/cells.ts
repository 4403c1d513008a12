import type { GatewayId } from "./gateways.ts";
import { firstDifference, postGraphQL } from "./graphqlClient.ts";
import type { LoadClient } from "./loadClient.ts";
import type { PollMeasurement, RunMeasurement } from "./measure.ts";
import { measureCold, measureLoad, measurePoll, warmUpCold } from "./measure.ts";
import { readPeakRssKb, resetPeakRss } from "./peakRss.ts";
import type { RunsSummary } from "./runSummary.ts";
import { medianOfRuns } from "./runSummary.ts";
import type { SandboxClient } from "./sandboxClient.ts";
import type { WorkloadDefinition, WorkloadId } from "./workloads.ts";

export interface CellSettings {
  connections: number;
  warmupSeconds: number;
  /**
   * Unmeasured cold requests before a cold cell's runs. Longer than `warmupSeconds`: V8 optimises a function after
   * enough calls, and a cold cell sends about 40 requests a second, one at a time, where a load cell sends thousands;
   * after 5 s every gateway and subgraph was still compiling (bench/PROFILES.md, "JIT warm-up of the cold cells").
   */
  coldWarmupSeconds: number;
  durationSeconds: number;
  /** Sequential requests of each run of a cold cell. */
  coldRequests: number;
  /** Measured runs of each load and cold cell, after one warm-up; the cell reports their median. */
  runs: number;
  /** The polling cell's window (it runs once) and the cache lifetime it polls across. */
  pollSeconds: number;
  pollTtlSeconds: number;
  /**
   * The polling cell's offered load, over all connections: screens poll on a timer, so the cell paces its requests
   * rather than sending the next the moment an answer arrives (which would measure a saturated gateway's queue).
   */
  pollRequestsPerSecond: number;
}

export type CellStatus = "ok" | "FAILED" | "MISMATCH";

/** A cell: the median of its runs (`runSummary.ts`), its peak memory, and whether it passed. */
export interface CellResult extends RunsSummary {
  workload: WorkloadId;
  gateway: GatewayId;
  mode: WorkloadDefinition["mode"];
  status: CellStatus;
  /** Why the cell failed or what differed from the reference gateway's data. */
  note: string | null;
  /** Peak over the whole cell: warm-up and every run. */
  peakRssMb: number | null;
  /** Each measured run as it was. */
  runs: RunMeasurement[];
}

export interface CellTarget {
  gateway: GatewayId;
  url: string;
  pid: number;
  /** Empties every cache of the gateway (and what it fronts); null for gateways without caches. */
  purge: (() => Promise<void>) | null;
  /** Subgraph fetches the gateway has sent so far; null where the harness cannot read them (peers). */
  subgraphFetches: (() => Promise<number>) | null;
}

/** The `data` each workload's first error-free gateway returned, per request body; others must match it. */
export type ReferenceData = Map<WorkloadId, { gateway: GatewayId; data: unknown[] }>;

export interface CellDeps {
  load: LoadClient;
  sandbox: SandboxClient | null;
  reference: ReferenceData;
}

/** A cell before (or without) any measurement: what a failed or mismatched cell reports. */
export function unmeasuredCell(workload: WorkloadDefinition, gateway: GatewayId) {
  return {
    workload: workload.id,
    gateway,
    mode: workload.mode,
    requests: 0,
    requestsPerSecond: null,
    latencyMs: null,
    cpuMsPerRequest: null,
    non2xx: 0,
    graphqlErrors: 0,
    transportErrors: 0,
    peakRssMb: null,
    platformRequestsPerOperation: null,
    platformRequestsByEndpoint: null,
    platformFloorMs: null,
    loadAverage1m: null,
    stealPercent: null,
    poll: null,
    runs: [],
  } satisfies Partial<CellResult>;
}

const MEASURE = { load: measureLoad, cold: measureCold, poll: measurePoll };

export async function runCell(
  workload: WorkloadDefinition,
  bodies: string[],
  target: CellTarget,
  settings: CellSettings,
  deps: CellDeps,
): Promise<CellResult> {
  const base = unmeasuredCell(workload, target.gateway);

  const verification = await verify(workload.id, bodies, target, deps.reference);
  if (verification.failure) return { ...base, status: "FAILED", note: verification.failure };
  const status: CellStatus = verification.mismatch ? "MISMATCH" : "ok";

  resetPeakRss(target.pid);
  // Every cell opens its window on processes past JIT warm-up rather than on their first seconds of this work: cold
  // cells warm up with cold requests (a first answer from purged caches, not from a fresh process), the polling cell
  // paced, as each is measured.
  if (workload.mode === "cold") {
    if (settings.coldWarmupSeconds > 0) await warmUpCold(bodies, target, settings.coldWarmupSeconds);
  } else if (settings.warmupSeconds > 0) {
    await deps.load.run({
      url: target.url,
      connections: settings.connections,
      bodies,
      headers: {},
      durationSeconds: settings.warmupSeconds,
      ...(workload.mode === "poll" ? { overallRate: settings.pollRequestsPerSecond } : {}),
    });
  }
  // The polling cell is one long window by design; the others repeat so the report can take a median.
  const runCount = workload.mode === "poll" ? 1 : settings.runs;
  const runs: RunMeasurement[] = [];
  for (let run = 0; run < runCount; run++) {
    runs.push(await MEASURE[workload.mode](bodies, target, settings, deps));
  }
  const peakKb = readPeakRssKb(target.pid);
  const summary = medianOfRuns(runs);
  const failure = failureOf(summary, runs) ?? (workload.mode === "poll" ? pollFailureOf(summary.poll) : null);
  return {
    ...base,
    ...summary,
    runs,
    peakRssMb: peakKb === null ? null : Math.round(peakKb / 1024),
    status: failure ? "FAILED" : status,
    note: failure ?? verification.mismatch,
  };
}

/** A cell is only as good as its worst request: any error, or no completed request at all, fails it. */
function failureOf(summary: RunsSummary, runs: RunMeasurement[]): string | null {
  if (summary.non2xx + summary.graphqlErrors + summary.transportErrors > 0) {
    return `${summary.non2xx} non-2xx, ${summary.graphqlErrors} with GraphQL errors, ${summary.transportErrors} transport errors`;
  }
  if (runs.some((run) => run.requests === 0)) return "no request completed within a measured window";
  return null;
}

/** A window of several cache lifetimes without one refresh measured no expiry at all: the cap was not applied. */
function pollFailureOf(poll: PollMeasurement | null): string | null {
  if (!poll || poll.expiries === 0) return "the window is shorter than one cache lifetime";
  if (poll.fetchesPerRound === 0) return "a round from purged caches sent no subgraph fetch";
  if (poll.subgraphFetches === 0) {
    return `no subgraph fetch in ${poll.expiries} cache lifetimes: the gateway did not apply CACHE_MAX_AGE_SECONDS=${poll.cacheLifetimeSeconds}`;
  }
  return null;
}

async function verify(
  workload: WorkloadId,
  bodies: string[],
  target: CellTarget,
  reference: ReferenceData,
): Promise<{ failure: string | null; mismatch: string | null }> {
  const data: unknown[] = [];
  for (const body of bodies) {
    const reply = await postGraphQL(target.url, body).catch((error: Error) => ({
      status: 0,
      data: null,
      errors: [`request failed: ${error.message}`],
    }));
    if (reply.status !== 200 || reply.errors.length > 0 || reply.data === null) {
      return {
        failure: `HTTP ${reply.status}; ${reply.errors.slice(0, 3).join("; ") || "no data"}`,
        mismatch: null,
      };
    }
    data.push(reply.data);
  }
  const expected = reference.get(workload);
  if (!expected) {
    reference.set(workload, { gateway: target.gateway, data });
    return { failure: null, mismatch: null };
  }
  for (const [index, each] of data.entries()) {
    const difference = firstDifference(expected.data[index], each);
    if (difference) {
      return {
        failure: null,
        mismatch: `differs from ${expected.gateway} (request ${index + 1}): ${difference}`,
      };
    }
  }
  return { failure: null, mismatch: null };
}
