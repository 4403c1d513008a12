import { SubgraphFetchError } from "../fetch/errors.ts";
import type { FetchStep } from "../fetch/pipeline.ts";

/** Bounds each subgraph fetch; the timer aborts the HTTP request so the pool slot is freed. */
export function createTimeoutStep(options: {
  defaultMs: number;
  overridesMs: Record<string, number>;
}): FetchStep {
  return (next) => async (fetch) => {
    const ms = options.overridesMs[fetch.subgraph] ?? options.defaultMs;
    const timeout = AbortSignal.timeout(ms);
    const signal = fetch.signal ? AbortSignal.any([fetch.signal, timeout]) : timeout;
    try {
      return await next({ ...fetch, signal });
    } catch (error) {
      if (timeout.aborted) {
        throw new SubgraphFetchError(fetch.subgraph, "timeout", `no answer within ${ms} ms`, {
          cause: error,
        });
      }
      throw error;
    }
  };
}
