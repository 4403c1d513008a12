// Background refreshes of stale answers: each runs on a context of its own marked revalidating, at most `concurrency`
// at a time; one that cannot run (the queue is full, or the execution throws) frees its lock so a later request retries.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { CacheStore } from "../../../gateway/cacheStore/store.ts";
import type { GatewayContext } from "../../../gateway/context.ts";
import { createStaleRefresher, type StaleRefresh } from "../../../gateway/responseCache/staleRefresher.ts";
import { anonymous } from "../../support/responseCacheAndDedup.ts";

const logger = pino({ level: "silent" });

function lockStore() {
  const released: string[] = [];
  const store = { releaseLock: async (key: string) => void released.push(key) } as unknown as CacheStore;
  return { store, released };
}

const refreshOf = (n: number): StaleRefresh => ({
  request: { query: `{ board(n: ${n}) }`, operationName: null, variables: undefined },
  caller: anonymous,
  lock: `swr:key-${n}:1`,
  requestId: `client-${n}`,
});

function deferred() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { done, release };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("stale refresher", () => {
  it("runs every refresh, at most `concurrency` at a time, each on its own revalidating context", async () => {
    const { store, released } = lockStore();
    const running: ReturnType<typeof deferred>[] = [];
    const contexts: GatewayContext[] = [];
    let peak = 0;
    let active = 0;
    const refresh = createStaleRefresher({
      execute: async (_request, context) => {
        contexts.push(context);
        active += 1;
        peak = Math.max(peak, active);
        const gate = deferred();
        running.push(gate);
        await gate.done;
        active -= 1;
      },
      store,
      logger,
      concurrency: 2,
      queueLimit: 10,
    });
    for (let n = 0; n < 5; n++) refresh(refreshOf(n));
    await settle();
    expect(running).toHaveLength(2);
    while (running.length < 5 || active > 0) {
      for (const gate of running) gate.release();
      await settle();
    }
    expect(peak).toBe(2);
    expect(contexts).toHaveLength(5);
    expect(contexts.every((context) => context.revalidating && context.caller === anonymous)).toBe(true);
    expect(new Set(contexts.map((context) => context.requestId)).size).toBe(5);
    expect(released).toEqual([]);
  });

  it("frees the lock of a refresh that failed and of one the full queue turned away", async () => {
    const { store, released } = lockStore();
    const gate = deferred();
    const refresh = createStaleRefresher({
      execute: async (request) => {
        if (request.query.includes("n: 0")) throw new Error("subgraph down");
        await gate.done;
      },
      store,
      logger,
      concurrency: 1,
      queueLimit: 1,
    });
    refresh(refreshOf(0));
    await settle();
    expect(released).toEqual(["swr:key-0:1"]);
    refresh(refreshOf(1));
    refresh(refreshOf(2));
    refresh(refreshOf(3));
    await settle();
    expect(released).toEqual(["swr:key-0:1", "swr:key-3:1"]);
    gate.release();
    await settle();
    expect(released).toEqual(["swr:key-0:1", "swr:key-3:1"]);
  });
});
