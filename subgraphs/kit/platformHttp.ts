import http, { type IncomingMessage } from "node:http";
import https from "node:https";

/** A platform's answer, read whole: the listings and statistics a subgraph asks for are JSON documents. */
export interface PlatformAnswer {
  status: number;
  statusText: string;
  text: string;
}

/** No whole answer within the call's time limit. */
export class PlatformTimeoutError extends Error {
  override readonly name = "TimeoutError";
}

export interface PlatformHttp {
  /** Rejects on a connection failure, or with PlatformTimeoutError when the answer is not in after `timeoutMs`. */
  get(url: string, headers: Record<string, string>, timeoutMs: number): Promise<PlatformAnswer>;
  close(): void;
}

/**
 * GET over node's http client with keep-alive connections to the platform. Not `fetch`: its streams and Response
 * objects cost the reporting subgraph about 1.5 ms of CPU per IOC dashboard (four calls, 40 KB of communes), on
 * the path of every cold answer. The time limit is a plain timer rather than `AbortSignal.timeout`: the signal, and
 * the abort listener node:http hangs on each request for it, were about 2% of a statistics subgraph's CPU per cold
 * dashboard in its profile, spent before the call goes out.
 */
export function createPlatformHttp(baseUrl: string, connections: number): PlatformHttp {
  const secure = new URL(baseUrl).protocol === "https:";
  const agentOptions = { keepAlive: true, maxSockets: connections };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);

  return {
    get(url, headers, timeoutMs) {
      return new Promise((resolve, reject) => {
        // Looked up on the module at each call, as `fetch` was on the global: interceptors (msw in tests) patch it there.
        const get = secure ? https.get : http.get;
        const request = get(url, { agent, headers }, (response: IncomingMessage) => {
          // Bytes decoded once at the end: a string per chunk (node's string decoder, 3.6% of the reporting
          // subgraph's CPU in its profile) joined into a rope that JSON.parse has to flatten again.
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
          });
          response.on("end", () => {
            clearTimeout(timer);
            resolve({
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? "",
              text: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8"),
            });
          });
          response.on("error", fail);
        });
        // Settled first, so the errors of the destroyed request and answer that follow change nothing.
        const timer = setTimeout(() => {
          reject(new PlatformTimeoutError(`no answer within ${timeoutMs} ms`));
          request.destroy();
        }, timeoutMs);
        function fail(error: Error) {
          clearTimeout(timer);
          reject(error);
        }
        request.on("error", fail);
      });
    },
    close: () => agent.destroy(),
  };
}
