import type { CacheEntry, CacheStore } from "./store.ts";
import { createWriteWindow, type WriteWindow } from "./writeWindow.ts";

/**
 * A store whose writes run after the answer they belong to. Encoding and indexing a cold dashboard's entries (three
 * fetches of 131 entities each, then the whole answer) cost more than writing the answer out, and the answer never
 * waits for them; yet, done as each fetch came back, they ran before it. Writes are queued and sent on the next
 * immediate, which runs once the promise chain that turns the last fetch into the written answer has, or, given a
 * `WriteWindow`, once no answer at all is in the making (writeWindow.ts). A lookup of a
 * key still queued, a purge and a lock send the queue first, so each reads as if every write had been made when asked:
 * nothing in-process ever sees a cache without a write an earlier answer made. A lookup of other keys leaves the queue
 * where it is: the next step of a plan (a dashboard's entity lookups after its root fetch) does not pay for encoding
 * the step before.
 */
export function writeBehind(
  store: CacheStore,
  // Never opened, a window lets writes out on the next immediate.
  window: WriteWindow = createWriteWindow({ maxDelayMs: 0 }),
): CacheStore {
  let queued: { entries: readonly CacheEntry[]; stored(done: Promise<boolean>): void }[] = [];
  const queuedKeys = new Set<string>();

  function sendQueued(): void {
    if (queued.length === 0) return;
    const batch = queued;
    queued = [];
    queuedKeys.clear();
    for (const { entries, stored } of batch) stored(store.mset(entries));
  }

  const sendQueuedIfAsked = (keys: readonly string[]) => {
    if (keys.some((key) => queuedKeys.has(key))) sendQueued();
  };

  /** Sends the queue, then runs `operation`: on Redis, the writes go out on the connection ahead of it. */
  const after =
    <Args extends unknown[], Result>(operation: (...args: Args) => Promise<Result>) =>
    (...args: Args): Promise<Result> => {
      sendQueued();
      return operation(...args);
    };

  function mset(entries: readonly CacheEntry[]): Promise<boolean> {
    if (queued.length === 0) window.whenQuiet(sendQueued);
    for (const entry of entries) queuedKeys.add(entry.key);
    return new Promise((resolve) => queued.push({ entries, stored: resolve }));
  }

  return {
    layer: store.layer,
    get: (key) => {
      sendQueuedIfAsked([key]);
      return store.get(key);
    },
    mget: (keys) => {
      sendQueuedIfAsked(keys);
      return store.mget(keys);
    },
    set: (key, value, ttlSeconds) => mset([{ key, value, ttlSeconds }]),
    mset,
    del: after((key) => store.del(key)),
    purge: after((prefix) => store.purge(prefix)),
    purgeTags: after((tags) => store.purgeTags(tags)),
    acquireLock: after((key, ttlMs) => store.acquireLock(key, ttlMs)),
    releaseLock: after((key) => store.releaseLock(key)),
  };
}
