// What the HTTP transport reads from a subgraph's answer for the cache layers: its Cache-Control, held to
// CACHE_MAX_AGE_SECONDS, and one count per fetch that really went out (the benchmark counts refreshes with it).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../../../gateway/config.ts";
import { createHttpTransport } from "../../../gateway/fetch/httpTransport.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { anonymousQueryFetch } from "../../support/subgraphFetch.ts";

let server: Server;
let url: string;
let responseHeaders: Record<string, string> = {};

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json", ...responseHeaders });
    response.end(JSON.stringify({ data: { ok: true } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function fetchWith(headers: Record<string, string>, maxAgeSeconds: number | null = null) {
  responseHeaders = headers;
  const metrics = createGatewayMetrics();
  const transport = createHttpTransport({ connections: 1, metrics, maxAgeSeconds });
  try {
    const result = await transport.handler(anonymousQueryFetch(url));
    const fetches = (await metrics.subgraphFetches.get()).values;
    return { result, fetches };
  } finally {
    await transport.close();
  }
}

describe("the HTTP transport's cache hints", () => {
  it("holds a subgraph's max-age to CACHE_MAX_AGE_SECONDS, keeping its scope", async () => {
    const { result } = await fetchWith({ "cache-control": "max-age=86400, public" }, 5);
    expect(result.cachePolicy).toMatchObject({ maxAge: 5, scope: "PUBLIC" });
    const shorter = await fetchWith({ "cache-control": "max-age=3, private" }, 5);
    expect(shorter.result.cachePolicy).toMatchObject({ maxAge: 3, scope: "PRIVATE" });
  });

  it("leaves the subgraph's max-age as sent without a cap, and an uncacheable answer uncacheable", async () => {
    expect((await fetchWith({ "cache-control": "max-age=60, public" })).result.cachePolicy).toMatchObject({
      maxAge: 60,
    });
    expect((await fetchWith({}, 5)).result.cachePolicy).toBeNull();
  });

  it("counts every fetch that goes out, by subgraph", async () => {
    const { fetches } = await fetchWith({ "cache-control": "max-age=60, public" });
    expect(fetches).toEqual([expect.objectContaining({ labels: { subgraph: "reporting" }, value: 1 })]);
  });
});

describe("CACHE_MAX_AGE_SECONDS", () => {
  it("is unset by default and refuses anything but a positive whole number of seconds", () => {
    expect(loadGatewayConfig({}).cacheFreshness.maxAgeSeconds).toBeNull();
    expect(loadGatewayConfig({ CACHE_MAX_AGE_SECONDS: "5" }).cacheFreshness.maxAgeSeconds).toBe(5);
    expect(() => loadGatewayConfig({ CACHE_MAX_AGE_SECONDS: "0" })).toThrow(/CACHE_MAX_AGE_SECONDS/);
    expect(() => loadGatewayConfig({ CACHE_MAX_AGE_SECONDS: "five" })).toThrow(/CACHE_MAX_AGE_SECONDS/);
  });
});
