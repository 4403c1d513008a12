import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpServer {
  readonly server: Server;
  /** True from the moment `stop` is called: health endpoints report it so balancers move on. */
  readonly stopping: boolean;
  /** Resolves once bound; `port` is the real one when 0 was asked, `origin` one a local client can use. */
  listen(port: number, host: string): Promise<{ port: number; origin: string }>;
  /**
   * Stops accepting connections, lets the requests in flight finish until `graceMs` has passed, then closes every
   * connection, idle keep-alive ones included (they would otherwise hold `close` open for the keep-alive timeout).
   */
  stop(graceMs: number): Promise<void>;
}

// Longer than load balancers' usual 60 s idle timeout, so they, not we, close idle sockets (no 502 on reuse).
const KEEP_ALIVE_MS = 65_000;

export function createHttpServer(
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): HttpServer {
  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | null = null;
  const server = createServer((request, response) => {
    inFlight++;
    response.on("close", () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
    // While stopping, tell keep-alive clients to reconnect (to another replica) after this answer.
    if (stopping) response.setHeader("connection", "close");
    handle(request, response);
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;

  return {
    server,
    get stopping() {
      return stopping;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const bound = (server.address() as AddressInfo).port;
          resolve({ port: bound, origin: `http://${clientHost(host)}:${bound}` });
        });
      });
    },
    async stop(graceMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const deadline = setTimeout(resolve, graceMs);
          drained = () => {
            clearTimeout(deadline);
            resolve();
          };
        });
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A wildcard bind is reached on loopback; an IPv6 literal needs brackets in a URL. */
function clientHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
