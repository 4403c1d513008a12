import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runPacedLoad } from "../../../bench/pacedLoad.ts";

let server: Server | null = null;

/** A server answering after `delayFor(n)` ms for its n-th request, recording when each arrived. */
async function serve(delayFor: (index: number) => number): Promise<{ url: string; arrivals: number[] }> {
  const arrivals: number[] = [];
  server = createServer((request, response) => {
    const index = arrivals.push(performance.now()) - 1;
    request.resume();
    setTimeout(() => response.end('{"data":{}}'), delayFor(index));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, arrivals };
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

const load = (
  url: string,
  overrides: { connections: number; overallRate: number; durationSeconds: number },
) =>
  runPacedLoad({ id: 1, url, bodies: ["{}"], headers: {}, ...overrides }, (body) =>
    body.includes('"errors":'),
  );

describe("paced load (the polling cell)", () => {
  it("sends each connection's requests evenly spaced, not as a burst", async () => {
    const { url, arrivals } = await serve(() => 0);
    const result = await load(url, { connections: 2, overallRate: 20, durationSeconds: 1 });
    expect(result.sent).toBe(20);
    expect(result.requests).toBe(20);
    // 2 connections at 20 req/s: one request every 50 ms overall; a burst would put them all within a few ms.
    const gaps = arrivals.slice(1).map((at, index) => at - arrivals[index]!);
    expect(Math.min(...gaps)).toBeGreaterThan(20);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(800);
  });

  it("counts a late answer against the requests it delays, from when each was due", async () => {
    // One connection every 100 ms; the first answer takes 250 ms, so the next two go out late.
    const { url } = await serve((index) => (index === 0 ? 250 : 0));
    const result = await load(url, { connections: 1, overallRate: 10, durationSeconds: 1 });
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(250);
    // From when each was due: 250 + ~150 + ~50 ms over 10 requests. Measured from sending, the two late ones would
    // look instant and the mean would be ~25 ms.
    expect(result.latencyMs.mean).toBeGreaterThanOrEqual(40);
  });
});
