import type { LoaderSpec } from "./loaders.ts";

/** The platform's batch limit for `?ids=` and unit-code lists. */
export const PLATFORM_MAX_BATCH = 500;

/**
 * Sends record misses to the platform. DataLoader batches within one request; a federated plan, though, sends one
 * subgraph several `_entities` fetches at once (the IOC dashboard's Province and its 130 Communes arrive as two
 * requests), and each would cost its own platform call. Misses of the same kind and variant that arrive within
 * `windowMs` of each other, from any request, go out as one call (split only at the platform's batch limit).
 */
export interface PlatformBatcher {
  fetch<T>(spec: LoaderSpec<T>, variant: string, keys: readonly string[]): Promise<Map<string, T>>;
}

interface PendingBatch {
  keys: Set<string>;
  settle: Array<{ resolve(records: Map<string, unknown>): void; reject(error: unknown): void }>;
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

  function flush(id: string, spec: LoaderSpec<unknown>, variant: string): void {
    const batch = pending.get(id);
    if (!batch) return;
    pending.delete(id);
    fetchInChunks(spec, variant, [...batch.keys]).then(
      (records) => {
        for (const waiter of batch.settle) waiter.resolve(records);
      },
      (error: unknown) => {
        for (const waiter of batch.settle) waiter.reject(error);
      },
    );
  }

  return {
    fetch<T>(spec: LoaderSpec<T>, variant: string, keys: readonly string[]): Promise<Map<string, T>> {
      if (windowMs <= 0 || keys.length === 0) return fetchInChunks(spec, variant, keys);
      const id = `${spec.kind}\u0000${variant}`;
      let batch = pending.get(id);
      if (!batch) {
        batch = { keys: new Set(), settle: [] };
        pending.set(id, batch);
        setTimeout(() => flush(id, spec as LoaderSpec<unknown>, variant), windowMs);
      }
      for (const key of keys) batch.keys.add(key);
      const joined = batch;
      return new Promise<Map<string, T>>((resolve, reject) => {
        joined.settle.push({ resolve: resolve as (records: Map<string, unknown>) => void, reject });
      });
    },
  };
}
