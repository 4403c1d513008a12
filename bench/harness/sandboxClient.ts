import type { PlatformCall } from "../../scripts/platformChain.ts";

export interface SandboxStats {
  total: number;
  byEndpoint: Record<string, number>;
  /** When each platform request since the last reset arrived and was answered. */
  requests: PlatformCall[];
}

export interface SandboxClient {
  setLatency(latencyMs: number): Promise<void>;
  resetStats(): Promise<void>;
  stats(): Promise<SandboxStats>;
  /** Makes the sandbox generate its lazily built records before anything is timed. */
  prime(): Promise<void>;
}

// The sandbox generates records on first use; the first national statistics call takes seconds, longer than
// the subgraphs' upstream timeout, and would otherwise land inside whichever cell happens to run first.
const PRIMING_PATHS = [
  "/population/v1/stats",
  "/business/v1/stats",
  "/procedures/v1/stats",
  "/reporting/v1/task-progress?program=RESOLUTION_57&",
  "/reporting/v1/task-progress?program=PLAN_02&",
];
const PRIMING_TIMEOUT_MS = 120_000;

export function createSandboxClient(baseUrl: string): SandboxClient {
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      signal: AbortSignal.timeout(PRIMING_TIMEOUT_MS),
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`sandbox ${method} ${path} → ${response.status}: ${await response.text()}`);
    return response;
  }
  return {
    setLatency: async (latencyMs) => {
      await (await call("PUT", "/_sandbox/faults", { latencyMs, jitterMs: 0, errorRate: 0 })).arrayBuffer();
    },
    resetStats: async () => {
      await (await call("POST", "/_sandbox/stats/reset")).arrayBuffer();
    },
    stats: async () => (await (await call("GET", "/_sandbox/stats")).json()) as SandboxStats,
    prime: async () => {
      const provinces = (await (await call("GET", "/reporting/v1/provinces")).json()) as {
        items: { code: string }[];
      };
      const codes = provinces.items.map((province) => province.code).join(",");
      for (const path of PRIMING_PATHS) {
        const separator = path.endsWith("&") ? "" : "?";
        await (await call("GET", `${path}${separator}provinces=${codes}`)).arrayBuffer();
      }
    },
  };
}
