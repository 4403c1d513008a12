export interface SandboxStats {
  total: number;
  byEndpoint: Record<string, number>;
}

export interface SandboxClient {
  setLatency(latencyMs: number): Promise<void>;
  resetStats(): Promise<void>;
  stats(): Promise<SandboxStats>;
}

export function createSandboxClient(baseUrl: string): SandboxClient {
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
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
  };
}
