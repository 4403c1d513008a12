import { Client } from "undici";
import { createLatencySlots } from "./harness/latencySlots.ts";
import type { LoadRequest, LoadResult } from "./harness/loadProtocol.ts";

/**
 * Polling as screens do it: each connection sends on a timer, one request every `connections ÷ overallRate` seconds,
 * the connections' timers spread evenly over that interval. autocannon's own rate limit is a per-second budget that
 * each connection spends back to back, which turns a paced load into a burst at the top of every second.
 *
 * Latency is counted from the instant a request was due, not from when it went out: a connection still waiting on
 * its previous answer sends late, and that wait is the gateway's (no coordinated omission). A request sent early
 * (a timer firing just before its due time) is timed from when it went out.
 */
export async function runPacedLoad(
  request: LoadRequest & { overallRate: number },
  isGraphQLError: (body: string) => boolean,
): Promise<LoadResult> {
  const { connections, durationSeconds, bodies } = request;
  const intervalMs = (connections * 1000) / request.overallRate;
  const target = new URL(request.url);
  const headers = { "content-type": "application/json", ...request.headers };
  const latencies = createLatencySlots(durationSeconds, request.slotSeconds);
  const counts = { requests: 0, sent: 0, non2xx: 0, graphqlErrors: 0, transportErrors: 0 };
  const started = performance.now();
  const durationMs = durationSeconds * 1000;
  let nextBody = 0;

  async function poll(connection: number): Promise<void> {
    const client = new Client(target.origin, { pipelining: 1, keepAliveTimeout: 30_000 });
    try {
      const offsetMs = (connection * intervalMs) / connections;
      // Each due time from its index, not by adding the interval up: the sum drifts, and a last due a hair under the
      // window's end sent one request more than the rate allows.
      for (let index = 0; offsetMs + index * intervalMs < durationMs; index++) {
        const due = started + offsetMs + index * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const body = bodies[nextBody++ % bodies.length]!;
        // A timer may fire a fraction of a millisecond before its due time (libuv rounds to whole milliseconds): such
        // a request is timed from when it went out, a late one from when it was due.
        const from = Math.min(due, performance.now());
        counts.sent++;
        try {
          const response = await client.request({ path: target.pathname, method: "POST", headers, body });
          const text = await response.body.text();
          const now = performance.now();
          counts.requests++;
          if (response.statusCode < 200 || response.statusCode >= 300) counts.non2xx++;
          else if (isGraphQLError(text)) counts.graphqlErrors++;
          latencies.record(now - from, (now - started) / 1000);
        } catch {
          counts.transportErrors++;
        }
      }
    } finally {
      await client.close();
    }
  }

  await Promise.all(Array.from({ length: connections }, (_, connection) => poll(connection)));
  const elapsedSeconds = (performance.now() - started) / 1000;
  return {
    ...counts,
    elapsedSeconds,
    requestsPerSecond: Math.round((counts.requests / durationSeconds) * 10) / 10,
    latencyMs: latencies.summary(),
    slotLatencyMs: latencies.perSlot(),
  };
}
