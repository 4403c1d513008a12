import { privateKey } from "../cacheStore/keys.ts";
import type { CacheEntry, CacheLookup, CacheStore } from "../cacheStore/store.ts";
import type { CachePolicy } from "../fetch/pipeline.ts";

/**
 * What one fetch-cache slot holds: a value with the lifetime and scope its subgraph gave it, or a note that the copy is
 * PRIVATE and lives under the caller's own key.
 */
export type Slot<T> =
  | {
      kind: "value";
      value: T;
      expiresAt: number;
      scope: CachePolicy["scope"];
      /** The subgraph's cache tags for this value; a purge of one deletes the slot (absent in entries of old releases). */
      tags?: readonly string[];
      /** PUBLIC only: until when, past freshness, the copy is served while one refresh runs (stale-while-revalidate). */
      staleUntil?: number;
    }
  | { kind: "private" };

export type FreshSlot<T> = Extract<Slot<T>, { kind: "value" }>;

/** Whether an answer with this policy may be stored for this caller: a hint, a lifetime, and for PRIVATE a caller. */
export function isStorable(policy: CachePolicy | null, sub: string | null): policy is CachePolicy {
  if (!policy || policy.maxAge <= 0) return false;
  return policy.scope === "PUBLIC" || sub !== null;
}

export interface SlotWrite {
  policy: CachePolicy;
  sub: string | null;
  /** How long past freshness a PUBLIC copy is kept (stale-if-error). */
  staleSeconds: number;
  /** How long past freshness a PUBLIC copy is served while it is refreshed, unless the subgraph said otherwise. */
  staleWhileRevalidateSeconds?: number;
  tags?: readonly string[];
  now?: number;
  /** When the subgraph call behind `value` was sent: see CacheEntry.computedSince. */
  computedSince?: number;
}

/**
 * The entries that store `value` under `key`. A PUBLIC copy is kept `staleSeconds` past freshness for stale-if-error; a
 * PRIVATE one goes under the caller's key, with a marker in the shared slot so a lookup knows where to read. Marker and
 * copy both carry the tags, so a purge leaves neither behind.
 */
export function slotEntries<T>(key: string, value: T, write: SlotWrite): CacheEntry[] {
  const { policy, sub, staleSeconds, tags = [], now = Date.now(), computedSince } = write;
  const expiresAt = now + policy.maxAge * 1000;
  const stored: Slot<T> = { kind: "value", value, expiresAt, scope: policy.scope, tags };
  if (policy.scope === "PUBLIC") {
    const window = policy.staleWhileRevalidate ?? write.staleWhileRevalidateSeconds ?? 0;
    stored.staleUntil = expiresAt + window * 1000;
    return [
      { key, value: stored, ttlSeconds: policy.maxAge + Math.max(staleSeconds, window), tags, computedSince },
    ];
  }
  const marker: Slot<T> = { kind: "private" };
  return [
    { key, value: marker, ttlSeconds: policy.maxAge, tags, computedSince },
    { key: privateKey(key, sub!), value: stored, ttlSeconds: policy.maxAge, tags, computedSince },
  ];
}

/** Shared slots first; where a slot says "private", a second round trip reads the caller's own copy. */
export async function lookupSlots<T>(
  store: CacheStore,
  keys: readonly string[],
  sub: string | null,
): Promise<CacheLookup<Slot<T>>[]> {
  const lookups = await store.mget<Slot<T>>(keys);
  const privateIndexes = lookups.flatMap((lookup, index) =>
    lookup.status === "hit" && lookup.value.kind === "private" ? [index] : [],
  );
  if (privateIndexes.length === 0) return lookups;
  if (sub === null) {
    for (const index of privateIndexes) lookups[index] = { status: "miss" };
    return lookups;
  }
  const privateLookups = await store.mget<Slot<T>>(privateIndexes.map((i) => privateKey(keys[i]!, sub)));
  privateIndexes.forEach((original, position) => {
    lookups[original] = privateLookups[position]!;
  });
  return lookups;
}

/** The stored value of a hit, fresh or past freshness; null for a miss, a marker or a failed lookup. */
export function storedValue<T>(lookup: CacheLookup<Slot<T>>): FreshSlot<T> | null {
  return lookup.status === "hit" && lookup.value.kind === "value" ? lookup.value : null;
}

/** A PUBLIC copy past freshness but within its stale-while-revalidate window: served at once, refreshed once. */
export function isRevalidatable(slot: FreshSlot<unknown>, now = Date.now()): boolean {
  return slot.scope === "PUBLIC" && slot.expiresAt <= now && (slot.staleUntil ?? 0) > now;
}

/** What a fresh copy contributes to the request's overall policy: its remaining lifetime and its scope. */
export function remainingPolicy(slot: FreshSlot<unknown>, now = Date.now()): CachePolicy {
  return { maxAge: Math.max(0, Math.floor((slot.expiresAt - now) / 1000)), scope: slot.scope };
}

export function narrower(a: CachePolicy | null, b: CachePolicy): CachePolicy {
  if (!a) return b;
  return {
    maxAge: Math.min(a.maxAge, b.maxAge),
    scope: a.scope === "PRIVATE" || b.scope === "PRIVATE" ? "PRIVATE" : "PUBLIC",
  };
}
