import { DEFAULT_CONFIG, type SandboxConfig } from "../../sandbox/config.ts";
import { createSandbox } from "../../sandbox/server.ts";

export interface SandboxStats {
  total: number;
  byEndpoint: Record<string, number>;
}

export interface TestSandbox {
  url: string;
  get<T>(path: string): Promise<T>;
  /** Requests served per route template since the last reset. */
  stats(): Promise<SandboxStats>;
  resetStats(): Promise<void>;
  setFaults(faults: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** The sandbox in this process, on a free loopback port. */
export async function startTestSandbox(overrides: Partial<SandboxConfig> = {}): Promise<TestSandbox> {
  const sandbox = createSandbox({ ...DEFAULT_CONFIG, port: 0, ...overrides });
  const { url } = await sandbox.start();
  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${url}${path}`, init);
    if (!response.ok) throw new Error(`sandbox ${path}: HTTP ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  return {
    url,
    get: (path) => call(path),
    stats: () => call<SandboxStats>("/_sandbox/stats"),
    resetStats: () => call("/_sandbox/stats/reset", { method: "POST" }),
    setFaults: (faults) =>
      call("/_sandbox/faults", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(faults),
      }),
    stop: () => sandbox.stop(),
  };
}
