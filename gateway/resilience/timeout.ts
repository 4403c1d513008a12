import { FetchCancellation } from "../fetch/cancellation.ts";
import { SubgraphFetchError } from "../fetch/errors.ts";
import type { FetchStep } from "../fetch/pipeline.ts";

/**
 * Bounds each subgraph fetch; the timer aborts the HTTP request so the pool slot is freed. The timer is cleared when
 * the fetch settles: `AbortSignal.timeout` would leave one live timer per fetch that fires (and builds a DOMException
 * for nobody) long after the answer came.
 */
export function createTimeoutStep(options: {
  defaultMs: number;
  overridesMs: Record<string, number>;
}): FetchStep {
  return (next) => async (fetch) => {
    const ms = options.overridesMs[fetch.subgraph] ?? options.defaultMs;
    const cancellation = new FetchCancellation();
    // Arguments instead of a closure: the timer almost always gets cleared, so it should cost as little as possible.
    const timer = setTimeout(expire, ms, cancellation, fetch.subgraph, ms);
    try {
      return await next({ ...fetch, cancellation });
    } catch (error) {
      // However the aborted request failed (undici hands back our reason, or the socket broke meanwhile), it timed out.
      throw cancellation.reason ?? error;
    } finally {
      clearTimeout(timer);
    }
  };
}

function expire(cancellation: FetchCancellation, subgraph: string, ms: number): void {
  cancellation.cancel(new SubgraphFetchError(subgraph, "timeout", `no answer within ${ms} ms`));
}
