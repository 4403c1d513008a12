import type { CacheHint, CachePolicy } from "@apollo/cache-control-types";
import type { FormattedExecutionResult } from "graphql";
import { privateKey } from "../cacheStore/keys.ts";

/** Who may receive what a leader produced: PRIVATE answers only go to requests of the same caller. */
export interface Shareable {
  scope: "PUBLIC" | "PRIVATE";
  /** The leader's caller. */
  sub: string | null;
}

/**
 * What a request does about an identical one in flight: lead (execute, then settle with what it has to share, or
 * null when nothing is shareable), follow (answered with a leader's outcome), or execute alone (its leader took too
 * long, had nothing shareable, or answered PRIVATE data of someone else).
 */
export type Turn<T extends Shareable> =
  | { kind: "lead"; settle(shared: T | null): void }
  | { kind: "follow"; shared: T }
  | { kind: "alone" };

export interface InFlightTable<T extends Shareable> {
  /** `publicKey`: what makes two requests answer identically for a visibility class. */
  take(publicKey: string, sub: string | null): Promise<Turn<T>>;
}

/**
 * The executions in flight of one dedup mechanism. `maxWaitMs` bounds both a follower's wait and how long a key stays
 * taken by a leader that never settles, so a hung leader delays its followers by at most that, and nobody after them.
 */
export function createInFlightTable<T extends Shareable>(maxWaitMs: number): InFlightTable<T> {
  const inFlight = new Map<string, Promise<T | null>>();

  function lead(key: string): Turn<T> {
    let resolve: (shared: T | null) => void = () => {};
    const led = new Promise<T | null>((settle) => {
      resolve = settle;
    });
    inFlight.set(key, led);
    const forget = () => {
      if (inFlight.get(key) === led) inFlight.delete(key);
    };
    const guard = setTimeout(forget, maxWaitMs);
    guard.unref();
    return {
      kind: "lead",
      // The key is free again the moment the answer exists: a request that arrives later executes anew.
      settle(shared) {
        clearTimeout(guard);
        forget();
        resolve(shared);
      },
    };
  }

  return {
    async take(publicKey, sub) {
      // Second round: the leader's answer was PRIVATE and someone else's; requests of this caller still share.
      const keys = sub === null ? [publicKey] : [publicKey, privateKey(publicKey, sub)];
      for (const key of keys) {
        const leader = inFlight.get(key);
        if (!leader) return lead(key);
        const shared = await waitAtMost(leader, maxWaitMs);
        if (!shared) return { kind: "alone" };
        if (mayShare(shared, sub)) return { kind: "follow", shared };
      }
      return { kind: "alone" };
    },
  };
}

/** PRIVATE data belongs to the caller it was fetched for, and anonymous callers cannot be told apart. */
function mayShare(shared: Shareable, sub: string | null): boolean {
  return shared.scope === "PUBLIC" || (sub !== null && shared.sub === sub);
}

/**
 * An answer with errors is the caller's own (what failed, and why, can depend on who asked), like one a subgraph marked
 * `no-store`: PRIVATE, so only requests of the same caller share it.
 */
export function sharingPolicy(policy: CachePolicy, result: FormattedExecutionResult): CacheHint {
  if (result.errors && result.errors.length > 0) return { maxAge: 0, scope: "PRIVATE" };
  return { maxAge: policy.maxAge ?? 0, scope: policy.scope ?? "PUBLIC" };
}

async function waitAtMost<T>(leader: Promise<T | null>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([leader, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
