import { DEFAULT_CONFIG, type SandboxConfig } from "../../../sandbox/config.ts";
import { createSandbox, type Sandbox } from "../../../sandbox/server.ts";

export interface Answer {
  status: number;
  contentType: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in tests
  body: any;
  ms: number;
}

/** Starts an in-process sandbox on a free loopback port. */
export async function startSandbox(overrides: Partial<SandboxConfig> = {}) {
  const sandbox: Sandbox = createSandbox({ ...DEFAULT_CONFIG, port: 0, ...overrides });
  const { url } = await sandbox.start();
  return { sandbox, url, ...client(url) };
}

export function client(url: string) {
  async function call(method: string, path: string, body?: unknown): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      body: text ? JSON.parse(text) : null,
      ms: performance.now() - started,
    };
  }
  return { get: (path: string) => call("GET", path), call };
}
