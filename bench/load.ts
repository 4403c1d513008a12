import autocannon from "autocannon";
import { createLatencySlots } from "./harness/latencySlots.ts";
import type { LoadReply, LoadRequest, LoadResult } from "./harness/loadProtocol.ts";
import { runPacedLoad } from "./pacedLoad.ts";

// The load generator runs in its own process (forked by the harness) so that generating load and parsing
// responses never competes with the harness's own event loop, and the gateway is measured from outside.

// The substring test keeps the generator cheap on 87 KB bodies; a data string containing it would be counted
// as an error and show up as a FAILED cell rather than a flattering one.
const GRAPHQL_ERRORS_MARKER = '"errors":';
const isGraphQLError = (body: string) => body.includes(GRAPHQL_ERRORS_MARKER);

// k6's default, as in the public benchmark: caches-off cells over the sandbox can queue for many seconds at 50
// connections, which is slow (and reported as such), not an error.
const REQUEST_TIMEOUT_SECONDS = 60;

/** As many requests as answers allow: each connection sends its next request the moment its answer arrives. */
async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const latencies = createLatencySlots(request.durationSeconds, request.slotSeconds);
  let graphqlErrors = 0;
  const started = process.hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        connections: request.connections,
        duration: request.durationSeconds,
        timeout: REQUEST_TIMEOUT_SECONDS,
        method: "POST",
        headers: { "content-type": "application/json", ...request.headers },
        requests: request.bodies.map((body) => ({ method: "POST", body })),
        verifyBody: (body) => {
          const ok = !isGraphQLError(String(body));
          if (!ok) graphqlErrors += 1;
          return ok;
        },
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => {
      latencies.record(responseTime, Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    requests: result.requests.total,
    sent: result.requests.sent,
    elapsedSeconds,
    requestsPerSecond: Math.round((result.requests.total / result.duration) * 10) / 10,
    latencyMs: latencies.summary(),
    non2xx: result.non2xx,
    graphqlErrors,
    transportErrors: result.errors + result.timeouts,
    slotLatencyMs: latencies.perSlot(),
  };
}

// Without its harness there is nobody to report to: leave rather than linger as an orphan.
process.on("disconnect", () => process.exit(0));

process.on("message", (message: LoadRequest) => {
  const { overallRate } = message;
  const run = overallRate ? runPacedLoad({ ...message, overallRate }, isGraphQLError) : runLoad(message);
  run.then(
    (result) => reply({ id: message.id, result }),
    (error: unknown) =>
      reply({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});

function reply(message: LoadReply): void {
  process.send?.(message);
}
