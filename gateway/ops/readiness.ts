import { pingAll, type RedisClient } from "../../common/redis.ts";
import type { SubgraphEndpoint } from "../supergraph/supergraphSource.ts";

/**
 * `ready`: answering normally. `degraded`: answering, with a dependency down (Redis: every cache fails open; a
 * subgraph: its fields come back null with SUBGRAPH_UNAVAILABLE). `unavailable`: this replica cannot answer.
 */
export type ReadinessStatus = "ready" | "degraded" | "unavailable";

export interface Readiness {
  status: ReadinessStatus;
  /** One line per failed check: for operators only (the ops listener, or the ops token). */
  reasons: string[];
  checks: Record<string, "ok" | string>;
}

const CHECK_TIMEOUT_MS = 1000;

/** The subgraph's /health next to its GraphQL path (http://host:4001/graphql → http://host:4001/health). */
export const healthUrlOf = (graphqlUrl: string) => new URL("/health", graphqlUrl).toString();

/**
 * /ready. Only what stops this replica from answering makes it unavailable: no supergraph loaded, or shutting down.
 * A lost Redis or subgraph is something every replica shares; taking them all out of the load balancer at once would
 * turn a degraded service into none, so those checks only make it `degraded`. Each check is bounded so /ready never
 * hangs.
 */
export function createReadinessCheck(deps: {
  subgraphs: () => SubgraphEndpoint[] | null;
  redis: RedisClient | null;
  /** True once shutdown began: load balancers should stop sending new work here. */
  draining: () => boolean;
}): () => Promise<Readiness> {
  async function checkSubgraph({ name, url }: SubgraphEndpoint): Promise<[string, string]> {
    try {
      const response = await fetch(healthUrlOf(url), { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
      await response.body?.cancel();
      return [`subgraph:${name}`, response.ok ? "ok" : `HTTP ${response.status}`];
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return [`subgraph:${name}`, cause ?? (error as Error).name];
    }
  }

  return async () => {
    const subgraphs = deps.subgraphs();
    const blocking: Record<string, string> = { supergraph: subgraphs ? "ok" : "not loaded" };
    if (deps.draining()) blocking.gateway = "shutting down";
    const dependencies = Object.fromEntries(
      await Promise.all([
        ...(subgraphs ?? []).map(checkSubgraph),
        ...(deps.redis
          ? [
              pingAll(deps.redis, CHECK_TIMEOUT_MS).then((problem): [string, string] => [
                "redis",
                problem ?? "ok",
              ]),
            ]
          : []),
      ]),
    );
    const failed = (checks: Record<string, string>) =>
      Object.entries(checks).filter(([, result]) => result !== "ok");
    const status: ReadinessStatus =
      failed(blocking).length > 0 ? "unavailable" : failed(dependencies).length > 0 ? "degraded" : "ready";
    const checks = { ...blocking, ...dependencies };
    const reasons = failed(checks).map(([name, result]) => `${name}: ${result}`);
    return { status, reasons, checks };
  };
}
