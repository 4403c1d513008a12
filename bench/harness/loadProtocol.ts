// Messages between the harness and the load generator it forks (bench/load.ts).

export interface LoadRequest {
  id: number;
  url: string;
  connections: number;
  durationSeconds: number;
  /** Request bodies; connections cycle through them, so several bodies rotate variables per request. */
  bodies: string[];
  headers: Record<string, string>;
  /** Requests per second over all connections, evenly spaced (bench/pacedLoad.ts); unset = as fast as answers come. */
  overallRate?: number;
  /** When set, latencies are also summarised per slot of this many seconds (by when each response completed). */
  slotSeconds?: number;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export interface LoadResult {
  /** Requests completed within the window. */
  requests: number;
  /** Requests written to the gateway, those still in flight when the window closed included. */
  sent: number;
  elapsedSeconds: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  non2xx: number;
  /** 2xx responses whose body carries a GraphQL `errors` entry. */
  graphqlErrors: number;
  /** Connection errors and timeouts. */
  transportErrors: number;
  /** One summary per slot of `slotSeconds`, in order (null: no response completed in it); null without slots. */
  slotLatencyMs: (LatencySummary | null)[] | null;
}

export type LoadReply = { id: number; result: LoadResult } | { id: number; error: string };
