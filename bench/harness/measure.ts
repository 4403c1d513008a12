import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { slowestChain } from "../../scripts/platformChain.ts";
import type { CellDeps, CellSettings, CellTarget } from "./cells.ts";
import { stealMeter } from "./cpuSteal.ts";
import { readCpuMs, settledCpuMs } from "./cpuTime.ts";
import { postGraphQL } from "./graphqlClient.ts";
import { summarizeLatencies } from "./latency.ts";
import type { LatencySummary, LoadResult } from "./loadProtocol.ts";

/** One measured run of a cell: what the cell reports is the median of its runs. */
export interface RunMeasurement {
  requests: number;
  /** Load and poll runs: completed requests per second over the measured window. */
  requestsPerSecond: number | null;
  latencyMs: LatencySummary;
  non2xx: number;
  graphqlErrors: number;
  transportErrors: number;
  /**
   * The gateway's user + system CPU (its whole process tree) from the start of the run until it is idle after it, ÷
   * the requests it was sent in the run.
   */
  cpuMsPerRequest: number | null;
  /** Platform workloads: sandbox requests per GraphQL operation sent during the run (read once the gateway is idle). */
  platformRequestsPerOperation: number | null;
  /** Cold runs: sandbox requests per operation by endpoint (route template). */
  platformRequestsByEndpoint: Record<string, number> | null;
  /**
   * Cold runs: the measured floor, the median over the run's requests of the slowest chain of platform calls each
   * waited for (scripts/platformChain.ts), at the sandbox's latency.
   */
  platformFloorMs: number | null;
  /** The machine's 1-minute load average when the run ended. */
  loadAverage1m: number;
  /** CPU steal over the run, % of the machine's CPU time (bench/harness/cpuSteal.ts); null off Linux. */
  stealPercent: number | null;
  poll: PollMeasurement | null;
}

export interface PollMeasurement {
  cacheLifetimeSeconds: number;
  /** The paced load the cell offered; a gateway answering fewer fell behind, and its latencies hide the queue. */
  offeredRequestsPerSecond: number;
  /** Latency of each cache lifetime's slot of the window, in order; null for a slot in which no response completed. */
  slotLatencyMs: (LatencySummary | null)[];
  /** Subgraph fetches of one round of every polled key from empty caches: the keys a refresh round fetches. */
  fetchesPerRound: number;
  /** Subgraph fetches the gateway sent during the window. */
  subgraphFetches: number;
  /** Whole cache lifetimes in the window: the most expiries any key can have had in it. */
  expiries: number;
  /** subgraphFetches ÷ (fetchesPerRound × expiries): 1 when each key was refreshed once per expiry. */
  refreshesPerKeyPerExpiry: number;
}

type Counted = Pick<RunMeasurement, "requests" | "non2xx" | "graphqlErrors" | "transportErrors">;

/**
 * CPU per request over a window: from its start until the gateway is idle again, so the work of requests still in
 * flight when the client stopped counting is in, and divided by every request the gateway was sent, those included.
 */
function cpuMeter(pid: number) {
  const started = readCpuMs(pid);
  return async (requestsServed: number): Promise<number | null> => {
    const ended = await settledCpuMs(pid);
    if (started === null || ended === null || requestsServed === 0) return null;
    return round((ended - started) / requestsServed, 3);
  };
}

function loadAverage1m(): number {
  return round(loadavg()[0]!, 2);
}

export async function measureLoad(
  bodies: string[],
  target: CellTarget,
  settings: CellSettings,
  deps: CellDeps,
): Promise<RunMeasurement> {
  await deps.sandbox?.resetStats();
  const cpu = cpuMeter(target.pid);
  const steal = stealMeter();
  const result = await deps.load.run({
    url: target.url,
    connections: settings.connections,
    bodies,
    headers: {},
    durationSeconds: settings.durationSeconds,
  });
  const stealPercent = steal();
  const cpuMsPerRequest = await cpu(result.sent);
  return loadWindowMeasurement(result, cpuMsPerRequest, stealPercent, await deps.sandbox?.stats(), null);
}

/**
 * Cold requests as `measureCold` sends them, for `seconds`, unmeasured: the processes then answer the measured ones
 * past their JIT warm-up, as a long-running gateway meets a purged or expired cache, rather than in their first
 * hundred requests, where V8 still runs much of the code unoptimised.
 */
export async function warmUpCold(bodies: string[], target: CellTarget, seconds: number): Promise<void> {
  const until = performance.now() + seconds * 1000;
  for (let index = 0; performance.now() < until; index++) {
    await target.purge?.();
    await postGraphQL(target.url, bodies[index % bodies.length]!);
  }
}

/**
 * Sequential requests, every cache purged before each. The CPU window covers the purges too (one small ops request
 * each); the sandbox's log is reset before each request, so each one's slowest chain of platform calls is its own.
 */
export async function measureCold(
  bodies: string[],
  target: CellTarget,
  settings: CellSettings,
  deps: CellDeps,
): Promise<RunMeasurement> {
  const latencies: number[] = [];
  const floors: number[] = [];
  const byEndpoint = new Map<string, number>();
  let platformRequests = 0;
  const tally: Counted = { requests: 0, non2xx: 0, graphqlErrors: 0, transportErrors: 0 };
  const cpu = cpuMeter(target.pid);
  const steal = stealMeter();
  for (let index = 0; index < settings.coldRequests; index++) {
    await target.purge?.();
    await deps.sandbox?.resetStats();
    const body = bodies[index % bodies.length]!;
    const started = performance.now();
    try {
      const reply = await postGraphQL(target.url, body);
      latencies.push(performance.now() - started);
      if (reply.status < 200 || reply.status > 299) tally.non2xx += 1;
      else if (reply.errors.length > 0) tally.graphqlErrors += 1;
    } catch {
      tally.transportErrors += 1;
    }
    const stats = await deps.sandbox?.stats();
    if (stats) {
      platformRequests += stats.total;
      for (const [endpoint, count] of Object.entries(stats.byEndpoint)) {
        byEndpoint.set(endpoint, (byEndpoint.get(endpoint) ?? 0) + count);
      }
      floors.push(slowestChain(stats.requests).waitMs);
    }
  }
  tally.requests = latencies.length;
  const stealPercent = steal();
  const sandbox = deps.sandbox !== null;
  return {
    ...tally,
    requestsPerSecond: null,
    latencyMs: summarizeLatencies(latencies),
    cpuMsPerRequest: await cpu(settings.coldRequests),
    platformRequestsPerOperation: sandbox ? perOperation(platformRequests, settings.coldRequests) : null,
    platformRequestsByEndpoint: sandbox
      ? Object.fromEntries(
          [...byEndpoint].map(([endpoint, count]) => [endpoint, perOperation(count, settings.coldRequests)]),
        )
      : null,
    platformFloorMs: floors.length > 0 ? summarizeLatencies(floors).p50 : null,
    loadAverage1m: loadAverage1m(),
    stealPercent,
    poll: null,
  };
}

/**
 * Load over a window spanning many cache lifetimes (the gateway runs with CACHE_MAX_AGE_SECONDS = the lifetime):
 * latency per lifetime slot, and the subgraph fetches the expiries cost, against one round of every key from empty
 * caches. Verification has already answered every body once; the round measured here starts from a purge.
 */
export async function measurePoll(
  bodies: string[],
  target: CellTarget,
  settings: CellSettings,
  deps: CellDeps,
): Promise<RunMeasurement> {
  const subgraphFetches = target.subgraphFetches;
  if (!subgraphFetches || !target.purge)
    throw new Error(
      "the polling cell needs a gateway whose caches and subgraph fetch count the harness can read",
    );
  // Refreshes the warm-up started may still be running: one that stored after the purge would fill part of the round.
  await settledCpuMs(target.pid);
  await target.purge();
  const beforeRound = await subgraphFetches();
  for (const body of bodies) {
    const reply = await postGraphQL(target.url, body);
    if (reply.status !== 200 || reply.errors.length > 0)
      throw new Error(`refill round: HTTP ${reply.status}; ${reply.errors.slice(0, 3).join("; ")}`);
  }
  const fetchesPerRound = (await subgraphFetches()) - beforeRound;

  await deps.sandbox?.resetStats();
  const beforeWindow = await subgraphFetches();
  const cpu = cpuMeter(target.pid);
  const steal = stealMeter();
  const result = await deps.load.run({
    url: target.url,
    connections: settings.connections,
    bodies,
    headers: {},
    durationSeconds: settings.pollSeconds,
    overallRate: settings.pollRequestsPerSecond,
    slotSeconds: settings.pollTtlSeconds,
  });
  const stealPercent = steal();
  const cpuMsPerRequest = await cpu(result.sent);
  const fetched = (await subgraphFetches()) - beforeWindow;
  const stats = await deps.sandbox?.stats();
  const expiries = Math.floor(settings.pollSeconds / settings.pollTtlSeconds);
  return loadWindowMeasurement(result, cpuMsPerRequest, stealPercent, stats, {
    cacheLifetimeSeconds: settings.pollTtlSeconds,
    offeredRequestsPerSecond: settings.pollRequestsPerSecond,
    slotLatencyMs: result.slotLatencyMs ?? [],
    fetchesPerRound,
    subgraphFetches: fetched,
    expiries,
    refreshesPerKeyPerExpiry:
      fetchesPerRound > 0 && expiries > 0 ? round(fetched / (fetchesPerRound * expiries), 2) : 0,
  });
}

/** What one autocannon window measured, with the sandbox's count of platform requests over it. */
function loadWindowMeasurement(
  result: LoadResult,
  cpuMsPerRequest: number | null,
  stealPercent: number | null,
  stats: { total: number } | undefined,
  poll: PollMeasurement | null,
): RunMeasurement {
  return {
    ...counted(result),
    requestsPerSecond: result.requestsPerSecond,
    latencyMs: result.latencyMs,
    cpuMsPerRequest,
    platformRequestsPerOperation: stats ? perOperation(stats.total, result.sent) : null,
    platformRequestsByEndpoint: null,
    platformFloorMs: null,
    loadAverage1m: loadAverage1m(),
    stealPercent,
    poll,
  };
}

function counted(result: Counted): Counted {
  const { requests, non2xx, graphqlErrors, transportErrors } = result;
  return { requests, non2xx, graphqlErrors, transportErrors };
}

function perOperation(platformRequests: number, operations: number): number {
  return operations === 0 ? 0 : round(platformRequests / operations, 2);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
