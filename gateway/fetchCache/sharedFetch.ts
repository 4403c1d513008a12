import { purgeClock } from "../cacheStore/store.ts";
import type { FetchHandler, SubgraphResult } from "../fetch/pipeline.ts";
import { createSingleFlight } from "./singleFlight.ts";

/**
 * Concurrent requests that miss on the same fetch share one subgraph call, within one visibility class; a PRIVATE
 * answer only within one caller.
 */
export function createSharedFetch(next: FetchHandler): FetchHandler {
  const flights = createSingleFlight();
  return async (missFetch) => {
    const { subgraph, request, context } = missFetch;
    const sub = context.caller.sub;
    // The text itself, not a digest of it: the key only lives while the call is in flight, and hashing a fetch of a
    // hundred representations costs more than keeping its text. Not canonical either: the executor writes a plan's
    // fetches with their keys in one order, so sorting 131 representations' keys (three times per cold dashboard, before
    // each call goes out) would only let a fetch join one that differs from it in key order, which none does.
    const flightKey = JSON.stringify([subgraph, request.query, request.variables, context.visibilityClass]);
    const { value, joined } = await flights.run(flightKey, async () => {
      // Taken by the call everyone shares: a caller joining it later still holds data read from this moment.
      const readSince = purgeClock();
      return { result: { ...(await next(missFetch)), readSince }, sub };
    });
    if (!joined) return value.result;
    // A PRIVATE answer belongs to the caller it was made for; anyone else asks for their own.
    if (!isShareable(value.result) && (sub === null || value.sub !== sub)) return next(missFetch);
    return structuredClone(value.result);
  };
}

/**
 * Only an error-free answer the subgraph marked PUBLIC goes to other callers. Errors, `no-store` (which Apollo's
 * subgraph plugin sends with every error) or no Cache-Control at all make it the caller's own.
 */
function isShareable(result: SubgraphResult): boolean {
  return result.cachePolicy?.scope === "PUBLIC" && !result.body.errors?.length;
}
