import autocannon from "autocannon";
import { summarizeLatencies } from "./harness/latency.ts";
import type { LoadReply, LoadRequest, LoadResult } from "./harness/loadProtocol.ts";

// The load generator runs in its own process (forked by the harness) so that generating load and parsing
// responses never competes with the harness's own event loop, and the gateway is measured from outside.

// The substring test keeps the generator cheap on 87 KB bodies; a data string containing it would be counted
// as an error and show up as a FAILED cell rather than a flattering one.
const GRAPHQL_ERRORS_MARKER = '"errors":';

// k6's default, as in the public benchmark: caches-off cells over the sandbox can queue for many seconds at 50
// connections, which is slow (and reported as such), not an error.
const REQUEST_TIMEOUT_SECONDS = 60;

async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const latencies: number[] = [];
  const slots: number[][] = [];
  let graphqlErrors = 0;
  const started = process.hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        connections: request.connections,
        overallRate: request.overallRate,
        duration: request.durationSeconds,
        timeout: REQUEST_TIMEOUT_SECONDS,
        method: "POST",
        headers: { "content-type": "application/json", ...request.headers },
        requests: request.bodies.map((body) => ({ method: "POST", body })),
        verifyBody: (body) => {
          const ok = !String(body).includes(GRAPHQL_ERRORS_MARKER);
          if (!ok) graphqlErrors += 1;
          return ok;
        },
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (request.slotSeconds) {
        // Responses completing in the moments after the window closes belong to its last slot.
        const lastSlot = slotCount(request.durationSeconds, request.slotSeconds) - 1;
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        const slot = Math.min(lastSlot, Math.floor(elapsed / request.slotSeconds));
        const samples = slots[slot] ?? [];
        samples.push(responseTime);
        slots[slot] = samples;
      }
    });
  });
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    requests: result.requests.total,
    sent: result.requests.sent,
    elapsedSeconds,
    requestsPerSecond: Math.round((result.requests.total / result.duration) * 10) / 10,
    latencyMs: summarizeLatencies(latencies),
    non2xx: result.non2xx,
    graphqlErrors,
    transportErrors: result.errors + result.timeouts,
    slotLatencyMs: request.slotSeconds
      ? Array.from({ length: slotCount(request.durationSeconds, request.slotSeconds) }, (_, index) =>
          slots[index] ? summarizeLatencies(slots[index]) : null,
        )
      : null,
  };
}

function slotCount(durationSeconds: number, slotSeconds: number): number {
  return Math.max(1, Math.ceil(durationSeconds / slotSeconds));
}

// Without its harness there is nobody to report to: leave rather than linger as an orphan.
process.on("disconnect", () => process.exit(0));

process.on("message", (message: LoadRequest) => {
  runLoad(message).then(
    (result) => reply({ id: message.id, result }),
    (error: unknown) =>
      reply({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});

function reply(message: LoadReply): void {
  process.send?.(message);
}
