import { performance } from "node:perf_hooks";
import type { GatewayId } from "./gateways.ts";
import { firstDifference, postGraphQL } from "./graphqlClient.ts";
import { summarizeLatencies } from "./latency.ts";
import type { LoadClient } from "./loadClient.ts";
import type { LatencySummary } from "./loadProtocol.ts";
import { readPeakRssKb, resetPeakRss } from "./peakRss.ts";
import type { SandboxClient } from "./sandboxClient.ts";
import type { WorkloadDefinition, WorkloadId } from "./workloads.ts";

export interface CellSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Sequential requests of a cold cell. */
  coldRequests: number;
}

export type CellStatus = "ok" | "FAILED" | "MISMATCH";

export interface CellResult {
  workload: WorkloadId;
  gateway: GatewayId;
  mode: "load" | "cold";
  status: CellStatus;
  /** Why the cell failed or what differed from the reference gateway's data. */
  note: string | null;
  requests: number;
  /** Load cells only: completed requests per second over the measured window. */
  requestsPerSecond: number | null;
  latencyMs: LatencySummary | null;
  non2xx: number;
  graphqlErrors: number;
  transportErrors: number;
  peakRssMb: number | null;
  /** Platform workloads: sandbox requests per GraphQL operation during the measured part. */
  platformRequestsPerOperation: number | null;
  /** Cold cells: sandbox requests per operation by endpoint (route template). */
  platformRequestsByEndpoint: Record<string, number> | null;
}

export interface CellTarget {
  gateway: GatewayId;
  url: string;
  pid: number;
  /** Empties every cache of the gateway (and what it fronts); null for gateways without caches. */
  purge: (() => Promise<void>) | null;
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
    non2xx: 0,
    graphqlErrors: 0,
    transportErrors: 0,
    peakRssMb: null,
    platformRequestsPerOperation: null,
    platformRequestsByEndpoint: null,
  } satisfies Partial<CellResult>;
}

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
  const measured =
    workload.mode === "cold"
      ? await measureCold(bodies, target, settings, deps)
      : await measureLoad(bodies, target, settings, deps);
  const peakKb = readPeakRssKb(target.pid);
  const failure = failureOf(measured);
  return {
    ...base,
    ...measured,
    peakRssMb: peakKb === null ? null : Math.round(peakKb / 1024),
    status: failure ? "FAILED" : status,
    note: failure ?? verification.mismatch,
  };
}

/** A cell is only as good as its worst request: any error, or no completed request at all, fails it. */
function failureOf(measured: Measured): string | null {
  if (measured.non2xx + measured.graphqlErrors + measured.transportErrors > 0) {
    return `${measured.non2xx} non-2xx, ${measured.graphqlErrors} with GraphQL errors, ${measured.transportErrors} transport errors`;
  }
  if (measured.requests === 0) return "no request completed within the measured window";
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

type Measured = Pick<
  CellResult,
  | "requests"
  | "requestsPerSecond"
  | "latencyMs"
  | "non2xx"
  | "graphqlErrors"
  | "transportErrors"
  | "platformRequestsPerOperation"
  | "platformRequestsByEndpoint"
>;

async function measureLoad(
  bodies: string[],
  target: CellTarget,
  settings: CellSettings,
  deps: CellDeps,
): Promise<Measured> {
  const request = { url: target.url, connections: settings.connections, bodies, headers: {} };
  if (settings.warmupSeconds > 0)
    await deps.load.run({ ...request, durationSeconds: settings.warmupSeconds });
  await deps.sandbox?.resetStats();
  const result = await deps.load.run({ ...request, durationSeconds: settings.durationSeconds });
  const stats = await deps.sandbox?.stats();
  return {
    requests: result.requests,
    requestsPerSecond: result.requestsPerSecond,
    latencyMs: result.latencyMs,
    non2xx: result.non2xx,
    graphqlErrors: result.graphqlErrors,
    transportErrors: result.transportErrors,
    platformRequestsPerOperation: stats ? perOperation(stats.total, result.requests) : null,
    platformRequestsByEndpoint: null,
  };
}

async function measureCold(
  bodies: string[],
  target: CellTarget,
  settings: CellSettings,
  deps: CellDeps,
): Promise<Measured> {
  const latencies: number[] = [];
  let non2xx = 0;
  let graphqlErrors = 0;
  let transportErrors = 0;
  await deps.sandbox?.resetStats();
  for (let index = 0; index < settings.coldRequests; index++) {
    await target.purge?.();
    const body = bodies[index % bodies.length]!;
    const started = performance.now();
    try {
      const reply = await postGraphQL(target.url, body);
      latencies.push(performance.now() - started);
      if (reply.status < 200 || reply.status > 299) non2xx += 1;
      else if (reply.errors.length > 0) graphqlErrors += 1;
    } catch {
      transportErrors += 1;
    }
  }
  const stats = await deps.sandbox?.stats();
  return {
    requests: latencies.length,
    requestsPerSecond: null,
    latencyMs: summarizeLatencies(latencies),
    non2xx,
    graphqlErrors,
    transportErrors,
    platformRequestsPerOperation: stats ? perOperation(stats.total, settings.coldRequests) : null,
    platformRequestsByEndpoint: stats
      ? Object.fromEntries(
          Object.entries(stats.byEndpoint).map(([endpoint, count]) => [
            endpoint,
            perOperation(count, settings.coldRequests),
          ]),
        )
      : null,
  };
}

function perOperation(platformRequests: number, operations: number): number {
  return operations === 0 ? 0 : Math.round((platformRequests / operations) * 100) / 100;
}
