// Two gateway processes, identical but for EXECUTOR: Apollo Gateway's executor (the oracle) and ours, each over
// its own copy of the subgraphs (the same supergraph but for the subgraph URLs). Everything that could answer without executing (response cache, fetch cache, APQ, dedup) is off, and
// the limits are out of the way, so every query reaches both executors.
import { gatewayUrl } from "../../bench/harness/gateways.ts";
import { freePort } from "../../bench/harness/ports.ts";
import type { ProcessGroup } from "../../bench/harness/processes.ts";

export const EXECUTORS = ["apollo", "own"] as const;
export type ExecutorId = (typeof EXECUTORS)[number];

const gatewayScript = new URL("../../gateway/index.ts", import.meta.url).pathname;

export const EXECUTE_EVERY_QUERY_ENV = {
  SUPERGRAPH_WATCH: "off",
  LOG_LEVEL: "warn",
  APQ_CACHE: "off",
  RESPONSE_CACHE: "off",
  FETCH_CACHE: "off",
  DEDUP: "off",
  // One client address sends hundreds of queries; a 429 would be the same on both sides and compare nothing.
  RATE_LIMIT: "off",
  // The audit's queries are written for any gateway, not for our production limits: a refusal would be identical
  // on both sides and hide the executors.
  MAX_DEPTH: "1000",
  MAX_ALIASES: "10000",
  MAX_TOKENS: "1000000",
  MAX_COST: "1000000000",
};

export type ExecutorPair = Record<ExecutorId, { url: string }> & { stop(): Promise<void> };

export async function startExecutorPair(
  supergraphPaths: Record<ExecutorId, string>,
  processes: ProcessGroup,
): Promise<ExecutorPair> {
  const started = await Promise.allSettled(
    EXECUTORS.map(async (executor) => {
      const port = await freePort();
      const gateway = await processes.start({
        name: `gateway EXECUTOR=${executor}`,
        script: gatewayScript,
        // Only what a gateway needs to run: a developer's REDIS_URL, OPS_PORT or tokens must not leak in.
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...EXECUTE_EVERY_QUERY_ENV,
          GATEWAY_HOST: "127.0.0.1",
          GATEWAY_PORT: String(port),
          SUPERGRAPH_PATH: supergraphPaths[executor],
          EXECUTOR: executor,
        },
        readyUrl: gatewayUrl(port),
        readyBody: JSON.stringify({ query: "{ __typename }" }),
        startTimeoutMs: 120_000,
      });
      return { executor, url: gatewayUrl(port), process: gateway };
    }),
  );
  const running = started.flatMap((each) => (each.status === "fulfilled" ? [each.value] : []));
  const stop = async () => {
    await Promise.all(running.map((each) => each.process.stop()));
  };
  const failure = started.find((each) => each.status === "rejected");
  if (failure) {
    await stop();
    throw failure.reason;
  }
  const urlOf = (executor: ExecutorId) => running.find((each) => each.executor === executor)!.url;
  return { apollo: { url: urlOf("apollo") }, own: { url: urlOf("own") }, stop };
}
