import http, { type IncomingMessage } from "node:http";
import https from "node:https";

/** A platform's answer, read whole: the listings and statistics a subgraph asks for are JSON documents. */
export interface PlatformAnswer {
  status: number;
  statusText: string;
  text: string;
}

export interface PlatformHttp {
  /** Rejects on a connection failure or when `signal` aborts, before or during the answer. */
  get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<PlatformAnswer>;
  close(): void;
}

/**
 * GET over node's http client with keep-alive connections to the platform. Not `fetch`: its streams and Response
 * objects cost the reporting subgraph about 1.5 ms of CPU per IOC dashboard (four calls, 40 KB of communes), on
 * the path of every cold answer.
 */
export function createPlatformHttp(baseUrl: string, connections: number): PlatformHttp {
  const secure = new URL(baseUrl).protocol === "https:";
  const agentOptions = { keepAlive: true, maxSockets: connections };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);

  return {
    get(url, headers, signal) {
      return new Promise((resolve, reject) => {
        // Looked up on the module at each call, as `fetch` was on the global: interceptors (msw in tests) patch it there.
        const get = secure ? https.get : http.get;
        const request = get(url, { agent, headers, signal }, (response: IncomingMessage) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
          });
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? "", text }),
          );
          response.on("error", reject);
        });
        request.on("error", reject);
      });
    },
    close: () => agent.destroy(),
  };
}
