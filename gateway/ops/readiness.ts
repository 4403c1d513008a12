import type { Redis } from "ioredis";
import { pingRedis } from "../cacheStore/redis.ts";
import type { SubgraphEndpoint } from "../supergraph/supergraphSource.ts";

export interface Readiness {
  ready: boolean;
  /** One human-readable line per failed check. */
  reasons: string[];
  checks: Record<string, "ok" | string>;
}

const CHECK_TIMEOUT_MS = 1000;

/** The subgraph's /health next to its GraphQL path (http://host:4001/graphql → http://host:4001/health). */
export const healthUrlOf = (graphqlUrl: string) => new URL("/health", graphqlUrl).toString();

/**
 * /ready: the supergraph is loaded, every subgraph in it answers its /health, and Redis answers PING when
 * one is configured. Each check is bounded so /ready itself never hangs.
 */
export function createReadinessCheck(deps: {
  subgraphs: () => SubgraphEndpoint[] | null;
  redis: Redis | null;
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
    const checks: Record<string, string> = { supergraph: subgraphs ? "ok" : "not loaded" };
    if (deps.draining()) checks.gateway = "shutting down";
    const results = await Promise.all([
      ...(subgraphs ?? []).map(checkSubgraph),
      ...(deps.redis
        ? [
            pingRedis(deps.redis, CHECK_TIMEOUT_MS).then((problem): [string, string] => [
              "redis",
              problem ?? "ok",
            ]),
          ]
        : []),
    ]);
    for (const [name, result] of results) checks[name] = result;
    const reasons = Object.entries(checks)
      .filter(([, result]) => result !== "ok")
      .map(([name, result]) => `${name}: ${result}`);
    return { ready: reasons.length === 0, reasons, checks };
  };
}
