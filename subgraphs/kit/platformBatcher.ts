import { errorCodeOf } from "../../common/errors.ts";
import type { LoaderSpec } from "./loaders.ts";

/** The platform's batch limit for `?ids=` and unit-code lists. */
export const PLATFORM_MAX_BATCH = 500;

/**
 * Sends record misses to the platform. DataLoader batches within one request; a federated plan, though, sends one
 * subgraph several `_entities` fetches at once (the IOC dashboard's Province and its 130 Communes arrive as two
 * requests), and each would cost its own platform call. Misses of the same kind and variant that arrive within
 * `windowMs` of each other, from any request, go out as one call (split only at the platform's batch limit).
 *
 * One request's input never fails another's: resolvers check every key with the platform's own rule
 * (common/identifiers.ts) before it gets here, and should the platform still refuse a merged call (400, which the
 * upstream client turns into BAD_USER_INPUT), each request's keys are asked again on their own, so the refusal
 * reaches only the request whose keys caused it.
 */
export interface PlatformBatcher {
  fetch<T>(spec: LoaderSpec<T>, variant: string, keys: readonly string[]): Promise<Map<string, T>>;
}

interface Waiter {
  keys: readonly string[];
  resolve(records: Map<string, unknown>): void;
  reject(error: unknown): void;
}

interface PendingBatch {
  keys: Set<string>;
  waiters: Waiter[];
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

export function createPlatformBatcher({ windowMs }: { windowMs: number }): PlatformBatcher {
  const pending = new Map<string, PendingBatch>();

  function askAlone(spec: LoaderSpec<unknown>, variant: string, waiter: Waiter): void {
    fetchInChunks(spec, variant, waiter.keys).then(waiter.resolve, waiter.reject);
  }

  function flush(id: string, spec: LoaderSpec<unknown>, variant: string): void {
    const batch = pending.get(id);
    if (!batch) return;
    pending.delete(id);
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

  return {
    fetch<T>(spec: LoaderSpec<T>, variant: string, keys: readonly string[]): Promise<Map<string, T>> {
      if (windowMs <= 0 || keys.length === 0) return fetchInChunks(spec, variant, keys);
      const id = `${spec.kind}\u0000${variant}`;
      let batch = pending.get(id);
      if (!batch) {
        batch = { keys: new Set(), waiters: [] };
        pending.set(id, batch);
        setTimeout(() => flush(id, spec as LoaderSpec<unknown>, variant), windowMs);
      }
      for (const key of keys) batch.keys.add(key);
      const joined = batch;
      return new Promise<Map<string, T>>((resolve, reject) => {
        joined.waiters.push({ keys, resolve: resolve as (records: Map<string, unknown>) => void, reject });
      });
    },
  };
}
