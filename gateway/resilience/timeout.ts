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
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    const signal = fetch.signal ? AbortSignal.any([fetch.signal, controller.signal]) : controller.signal;
    try {
      return await next({ ...fetch, signal });
    } catch (error) {
      if (controller.signal.aborted) {
        throw new SubgraphFetchError(fetch.subgraph, "timeout", `no answer within ${ms} ms`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}
