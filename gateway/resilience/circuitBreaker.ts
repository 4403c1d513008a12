import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
} from "cockatiel";
import { SubgraphFetchError } from "../fetch/errors.ts";
import type { FetchStep } from "../fetch/pipeline.ts";
import type { Logger } from "../observability/logger.ts";
import { BREAKER_STATE_VALUE, type GatewayMetrics } from "../observability/metrics.ts";
import type { BreakerConfig } from "./config.ts";

const STATE_VALUE: Record<CircuitState, number> = {
  [CircuitState.Closed]: BREAKER_STATE_VALUE.closed,
  [CircuitState.HalfOpen]: BREAKER_STATE_VALUE.halfOpen,
  [CircuitState.Open]: BREAKER_STATE_VALUE.open,
  [CircuitState.Isolated]: BREAKER_STATE_VALUE.open,
};

/**
 * One cockatiel breaker per subgraph: after N consecutive failures the subgraph is not called for a while,
 * so a dead subgraph costs an immediate SUBGRAPH_UNAVAILABLE instead of a timeout per request.
 * Breakers outlive supergraph reloads (they are keyed by subgraph name).
 */
export function createCircuitBreakerStep(
  config: BreakerConfig,
  deps: { metrics: GatewayMetrics; logger: Logger },
): FetchStep {
  const breakers = new Map<string, CircuitBreakerPolicy>();

  function breakerFor(subgraph: string): CircuitBreakerPolicy {
    let breaker = breakers.get(subgraph);
    if (!breaker) {
      const created = circuitBreaker(handleAll, {
        halfOpenAfter: config.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(config.consecutiveFailures),
      });
      created.onStateChange((state) => {
        deps.metrics.breakerState.set({ subgraph }, STATE_VALUE[state]);
        deps.logger.warn({ subgraph, state: CircuitState[state] }, "subgraph circuit breaker changed state");
      });
      deps.metrics.breakerState.set({ subgraph }, BREAKER_STATE_VALUE.closed);
      breakers.set(subgraph, created);
      breaker = created;
    }
    return breaker;
  }

  return (next) => async (fetch) => {
    try {
      return await breakerFor(fetch.subgraph).execute(() => next(fetch));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new SubgraphFetchError(fetch.subgraph, "circuit_open", "circuit breaker open", {
          cause: error,
        });
      }
      throw error;
    }
  };
}
