// The timeout step over the real HTTP transport: a subgraph that never answers costs a "timeout" and its connection,
// not the pool slot, so the next fetch to it goes out on a pool of one connection.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubgraphFetchError } from "../../../gateway/fetch/errors.ts";
import { createHttpTransport, type HttpTransport } from "../../../gateway/fetch/httpTransport.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { createTimeoutStep } from "../../../gateway/resilience/timeout.ts";
import { anonymousQueryFetch } from "../../support/subgraphFetch.ts";

let server: Server;
let url: string;
/** Requests the subgraph received and left hanging, and how many of those the gateway then hung up on. */
const hanging: IncomingMessage[] = [];
let hungUp = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.headers["x-hang"] === "yes") {
      hanging.push(request);
      response.on("close", () => hungUp++);
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ data: { ok: true } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const fetchOf = (hang: boolean) => anonymousQueryFetch(url, { "x-hang": hang ? "yes" : "no" });

async function withTransport(use: (transport: HttpTransport) => Promise<void>): Promise<void> {
  const transport = createHttpTransport({ connections: 1, metrics: createGatewayMetrics() });
  try {
    await use(transport);
  } finally {
    await transport.close();
  }
}

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "answered",
    (error: unknown) => (error instanceof SubgraphFetchError ? error.reason : String(error)),
  );

describe("subgraph timeouts on the HTTP transport", () => {
  it("abort the hanging request and free its pool slot", async () => {
    await withTransport(async (transport) => {
      const handler = createTimeoutStep({ defaultMs: 5000, overridesMs: { reporting: 50 } })(
        transport.handler,
      );
      hanging.length = 0;
      hungUp = 0;
      await expect(reasonOf(handler(fetchOf(true)))).resolves.toBe("timeout");
      await expect(handler(fetchOf(false))).resolves.toMatchObject({ body: { data: { ok: true } } });
      expect(hanging).toHaveLength(1);
      await expect.poll(() => hungUp).toBe(1);
    });
  });

  it("time out a fetch still queued for a connection, without it ever reaching the subgraph", async () => {
    await withTransport(async (transport) => {
      const handler = createTimeoutStep({ defaultMs: 50, overridesMs: {} })(transport.handler);
      hanging.length = 0;
      // One connection: the second waits behind the first, past its own deadline.
      const reasons = await Promise.all([reasonOf(handler(fetchOf(true))), reasonOf(handler(fetchOf(true)))]);
      expect(reasons).toEqual(["timeout", "timeout"]);
      await expect(handler(fetchOf(false))).resolves.toMatchObject({ body: { data: { ok: true } } });
      expect(hanging).toHaveLength(1);
    });
  });
});
