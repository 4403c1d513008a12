import { isConnectionError } from "../fetch/errors.ts";
import type { FetchStep } from "../fetch/pipeline.ts";

/**
 * One more attempt for reads whose connection failed (typically a keep-alive socket the subgraph closed).
 * Never for mutations, and never after a timeout or an HTTP answer: those may have had effects or cost.
 */
export function createRetryStep(): FetchStep {
  return (next) => async (fetch) => {
    try {
      return await next(fetch);
    } catch (error) {
      if (fetch.kind === "mutation" || !isConnectionError(error)) throw error;
      return next(fetch);
    }
  };
}
