import { randomUUID } from "node:crypto";
import { BulkheadRejectedError, bulkhead } from "cockatiel";
import type { Caller } from "../../common/caller.ts";
import { redactNumbers } from "../../common/errors.ts";
import type { CacheStore } from "../cacheStore/store.ts";
import { createGatewayContext, type GatewayContext } from "../context.ts";
import type { PlainQueryBody } from "../http/plainQueryBody.ts";
import type { Logger } from "../observability/logger.ts";

export interface StaleRefresh {
  /** The query as a client posts it: what the refresh runs again. */
  request: PlainQueryBody;
  /** The caller whose request found the answer stale: the refresh computes the answer for its visibility class. */
  caller: Caller;
  /** The refresh lock that request won; freed when the refresh cannot run, so a later request tries again. */
  lock: string;
  /** The request that found it stale, for the refresh's log line. */
  requestId: string;
}

/** Starts the one refresh of a stale PUBLIC answer, detached from the request that found it stale. */
export type StaleRefresher = (refresh: StaleRefresh) => void;

/**
 * Every screen polling a dashboard gets the stale answer at once, including the one whose request won the refresh
 * lock; the refresh runs through Apollo Server on its own context (marked `revalidating`, so no layer answers it from
 * a stale copy) and the response cache plugin stores what it produces, or frees the lock.
 *
 * Refreshes run at most `concurrency` at a time per process. Entries filled together (a purge, a deploy, a screen
 * wall opening) expire together; run all at once, their executions and the subgraph work behind them take every core
 * at the same instant, and the hits being served meanwhile wait. Queued, they spread over a few tens of
 * milliseconds of the stale window, which is seconds long.
 */
export function createStaleRefresher(options: {
  /** Runs the request through Apollo Server with this context (`revalidating` set). */
  execute(request: PlainQueryBody, context: GatewayContext): Promise<void>;
  store: CacheStore;
  logger: Logger;
  concurrency: number;
  /** Refreshes waiting beyond this are dropped (their lock freed): a later request past freshness asks again. */
  queueLimit: number;
}): StaleRefresher {
  const { store, logger } = options;
  const limiter = bulkhead(options.concurrency, options.queueLimit);
  return (refresh) => {
    const requestId = randomUUID();
    const context = createGatewayContext({ requestId, caller: refresh.caller, logger });
    context.revalidating = true;
    limiter
      .execute(() => options.execute(refresh.request, context))
      .catch((error: unknown) => {
        void store.releaseLock(refresh.lock);
        const message =
          error instanceof BulkheadRejectedError
            ? "too many refreshes waiting"
            : redactNumbers((error as Error).message);
        logger.warn(
          { requestId, staleFoundBy: refresh.requestId, err: { message } },
          "background refresh of a stale response did not run",
        );
      });
  };
}
