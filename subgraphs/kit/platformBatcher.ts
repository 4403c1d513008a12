import { errorCodeOf } from "../../common/errors.ts";
import type { LoaderSpec } from "./loaders.ts";
import type { SubgraphMetrics } from "./metrics.ts";

/** The platform's batch limit for `?ids=` and unit-code lists. */
export const PLATFORM_MAX_BATCH = 500;

/**
 * Sends record misses to the platform. DataLoader batches within one request; a federated plan, though, sends one
 * subgraph several `_entities` fetches at once (the IOC dashboard's Province and its 130 Communes arrive as two
 * requests), and each would cost its own platform call. Misses of the same kind and variant that arrive within
 * `windowMs` of each other, from any request, go out as one call (split only at the platform's batch limit).
 *
 * With `earlyDispatch`, the window is only waited while another request could still add keys to it. Requests
 * opened with `openRequest` are counted from their arrival, so once every open request is waiting on the platform
 * (none is still reading its body, resolving fields or asking the record cache), the pending batches go out at once:
 * a lone cold request pays no window at any stage of its plan, and load, where some request is always at work,
 * keeps the merging. Requests whose bytes are already on the socket are let in first (the check runs after the
 * event loop's poll phase). It is for gateways that send one `_entities` request per subgraph and plan step: a
 * fetch that a gateway sends as a separate request a moment later would miss the batch.
 *
 * One request's input never fails another's: resolvers check every key with the platform's own rule
 * (common/identifiers.ts) before it gets here, and should the platform still refuse a merged call (400, which the
 * upstream client turns into BAD_USER_INPUT), each request's keys are asked again on their own, so the refusal
 * reaches only the request whose keys caused it.
 */
export interface PlatformFetcher {
  fetch<T>(spec: LoaderSpec<T>, variant: string, keys: readonly string[]): Promise<Map<string, T>>;
}

/** One request's fetches, counted so the batcher knows when that request can add nothing more. */
export interface RequestFetcher extends PlatformFetcher {
  /** The request is answered: it will add no keys, so nobody waits for it. */
  close(): void;
}

export interface PlatformBatcher extends PlatformFetcher {
  /** Fetches of a request that arrived now; `fetch` on the batcher itself belongs to no request and waits the window. */
  openRequest(): RequestFetcher;
}

interface Waiter {
  keys: readonly string[];
  resolve(records: Map<string, unknown>): void;
  reject(error: unknown): void;
}

interface PendingBatch {
  keys: Set<string>;
  waiters: Waiter[];
  timer: NodeJS.Timeout;
  flush(dispatch: "early" | "window"): void;
}

/** A refusal of the keys asked (the platform's 400), as opposed to the platform failing. */
export function isInputRefusal(error: unknown): boolean {
  return errorCodeOf(error) === "BAD_USER_INPUT";
}

async function fetchInChunks<T>(
  spec: LoaderSpec<T>,
  variant: string,
  keys: readonly string[],
): Promise<Map<string, T>> {
  const size = spec.maxBatch ?? PLATFORM_MAX_BATCH;
  const chunks: string[][] = [];
  for (let i = 0; i < keys.length; i += size) chunks.push(keys.slice(i, i + size));
  const results = await Promise.all(chunks.map((chunk) => spec.fetchMany(chunk, variant)));
  if (results.length === 1) return results[0]!;
  const merged = new Map<string, T>();
  for (const records of results) for (const [key, record] of records) merged.set(key, record);
  return merged;
}

export interface PlatformBatcherOptions {
  windowMs: number;
  /** Send pending batches as soon as every open request waits on the platform (PLATFORM_BATCH_EARLY_DISPATCH). */
  earlyDispatch?: boolean;
  /** Counts the batches sent, early or at the end of their window. */
  metrics?: SubgraphMetrics;
}

export function createPlatformBatcher({
  windowMs,
  earlyDispatch = false,
  metrics,
}: PlatformBatcherOptions): PlatformBatcher {
  const pending = new Map<string, PendingBatch>();
  /** Requests opened and not yet closed, and how many of them have a fetch outstanding. */
  let open = 0;
  let waiting = 0;
  let checkScheduled = false;

  function askAlone(spec: LoaderSpec<unknown>, variant: string, waiter: Waiter): void {
    fetchInChunks(spec, variant, waiter.keys).then(waiter.resolve, waiter.reject);
  }

  function flush(id: string, spec: LoaderSpec<unknown>, variant: string, dispatch: "early" | "window"): void {
    const batch = pending.get(id);
    if (!batch) return;
    pending.delete(id);
    clearTimeout(batch.timer);
    metrics?.platformBatches.inc({ kind: spec.kind, dispatch });
    fetchInChunks(spec, variant, [...batch.keys]).then(
      (records) => {
        for (const waiter of batch.waiters) waiter.resolve(records);
      },
      (error: unknown) => {
        if (batch.waiters.length > 1 && isInputRefusal(error)) {
          for (const waiter of batch.waiters) askAlone(spec, variant, waiter);
          return;
        }
        for (const waiter of batch.waiters) waiter.reject(error);
      },
    );
  }

  function nobodyElseCanJoin(): boolean {
    return earlyDispatch && open > 0 && waiting === open;
  }

  function flushIfNobodyElseCanJoin(): void {
    if (checkScheduled || pending.size === 0 || !nobodyElseCanJoin()) return;
    checkScheduled = true;
    setImmediate(() => {
      checkScheduled = false;
      if (!nobodyElseCanJoin()) return;
      for (const batch of [...pending.values()]) batch.flush("early");
    });
  }

  function fetch<T>(spec: LoaderSpec<T>, variant: string, keys: readonly string[]): Promise<Map<string, T>> {
    if (windowMs <= 0 || keys.length === 0) return fetchInChunks(spec, variant, keys);
    const id = `${spec.kind}\u0000${variant}`;
    let batch = pending.get(id);
    if (!batch) {
      const flushThis = (dispatch: "early" | "window") =>
        flush(id, spec as LoaderSpec<unknown>, variant, dispatch);
      batch = {
        keys: new Set(),
        waiters: [],
        timer: setTimeout(flushThis, windowMs, "window"),
        flush: flushThis,
      };
      pending.set(id, batch);
    }
    for (const key of keys) batch.keys.add(key);
    const joined = batch;
    return new Promise<Map<string, T>>((resolve, reject) => {
      joined.waiters.push({ keys, resolve: resolve as (records: Map<string, unknown>) => void, reject });
    });
  }

  return {
    fetch,
    openRequest() {
      open++;
      let outstanding = 0;
      let closed = false;
      const settled = () => {
        outstanding--;
        if (outstanding === 0 && !closed) waiting--;
      };
      return {
        fetch(spec, variant, keys) {
          if (closed) return fetch(spec, variant, keys);
          outstanding++;
          if (outstanding === 1) waiting++;
          const fetched = fetch(spec, variant, keys);
          fetched.then(settled, settled);
          flushIfNobodyElseCanJoin();
          return fetched;
        },
        close() {
          if (closed) return;
          closed = true;
          open--;
          if (outstanding > 0) waiting--;
          flushIfNobodyElseCanJoin();
        },
      };
    },
  };
}
