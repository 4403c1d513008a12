import { setImmediate as nextTurn } from "node:timers/promises";
import DataLoader from "dataloader";
import type { SubgraphMetrics } from "./metrics.ts";
import { createPlatformBatcher, isInputRefusal, type PlatformFetcher } from "./platformBatcher.ts";
import type { RecordCache } from "./recordCache.ts";

export { PLATFORM_MAX_BATCH } from "./platformBatcher.ts";

/** How one kind of platform record is fetched in bulk. `variant` separates differently parameterised fetches of the same keys (e.g. a date range). */
export interface LoaderSpec<T> {
  /** Unique per record kind; the first segment of the cache key. */
  kind: string;
  ttlSeconds: number;
  maxBatch?: number;
  /** Records found, by key; keys absent from the map resolve to null. */
  fetchMany(keys: readonly string[], variant: string): Promise<Map<string, T>>;
}

export interface LoaderRegistry {
  load<T>(spec: LoaderSpec<T>, key: string, variant?: string): Promise<T | null>;
  loadMany<T>(spec: LoaderSpec<T>, keys: readonly string[], variant?: string): Promise<Array<T | null>>;
}

/** A platform fetch under way: the batch's records and the key to read from them. */
interface InflightFetch {
  records: Promise<Map<string, unknown>>;
  key: string;
}

/** Platform fetches under way, by cache key, shared by all requests of a process so concurrent misses fetch once. */
export type InflightFetches = Map<string, InflightFetch>;

export function createInflightFetches(): InflightFetches {
  return new Map();
}

export interface LoaderRegistryOptions {
  cache: RecordCache;
  metrics: SubgraphMetrics;
  /** Shared across requests; a fresh map (no cross-request coalescing) when absent. */
  inflight?: InflightFetches;
  /** The request's fetches at the process's batcher (`openRequest`); absent → every batch goes out on its own. */
  batcher?: PlatformFetcher;
}

export function recordCacheKey(kind: string, variant: string, key: string): string {
  return `${kind}:${variant}:${key}`;
}

type Slot = unknown | Error;

function createBatchFunction<T>(
  spec: LoaderSpec<T>,
  variant: string,
  { cache, metrics, inflight, batcher }: Required<LoaderRegistryOptions>,
): (keys: readonly string[]) => Promise<Slot[]> {
  const kind = spec.kind;

  return async (keys) => {
    metrics.loaderBatchSize.observe({ kind }, keys.length);
    const cacheKeys = keys.map((key) => recordCacheKey(kind, variant, key));
    const results: Slot[] = new Array(keys.length).fill(null);
    const waiting: Array<Promise<unknown>> = [];
    /** Keys answered by another request's fetch rather than this one's. */
    const joined = new Set<number>();

    const joinInflight = (index: number): boolean => {
      const fetching = inflight.get(cacheKeys[index]!);
      if (!fetching) return false;
      metrics.coalescedMisses.inc({ kind });
      joined.add(index);
      waiting.push(
        fetching.records.then(
          (records) => {
            results[index] = records.get(fetching.key) ?? null;
          },
          (error: Error) => {
            results[index] = error;
          },
        ),
      );
      return true;
    };

    /** Fetches these keys for this request, registering them in flight until they are in the cache. */
    const fetchOwn = (indexes: readonly number[]): Promise<unknown> => {
      const fetched = batcher.fetch(
        spec,
        variant,
        indexes.map((i) => keys[i]!),
      );
      // Serialising a province's records for the cache and writing them out takes longer than answering with them:
      // the write waits for the next turn of the event loop, so this request's answer does not wait for it.
      const stored = fetched.then(async (records) => {
        await nextTurn();
        const entries: Array<[string, unknown]> = [];
        for (const i of indexes) {
          const record = records.get(keys[i]!);
          if (record !== undefined && record !== null) entries.push([cacheKeys[i]!, record]);
        }
        return cache.mset(entries, spec.ttlSeconds);
      });
      // One entry per key but no promise per key: a province's hundred-odd communes share the batch's.
      const entries = indexes.map((i) => [cacheKeys[i]!, { records: fetched, key: keys[i]! }] as const);
      for (const [cacheKey, entry] of entries) inflight.set(cacheKey, entry);
      // Coalescing lasts until the records are in the cache, so no request in between misses both.
      const release = () => {
        for (const [cacheKey, entry] of entries)
          if (inflight.get(cacheKey) === entry) inflight.delete(cacheKey);
      };
      stored.then(release, release);
      return fetched.then(
        (records) => {
          for (const i of indexes) results[i] = records.get(keys[i]!) ?? null;
        },
        (error: Error) => {
          for (const i of indexes) results[i] = error;
        },
      );
    };

    const notInflight = keys.map((_, i) => i).filter((i) => !joinInflight(i));
    const cached = await cache.mget(notInflight.map((i) => cacheKeys[i]!));
    const misses: number[] = [];
    notInflight.forEach((index, j) => {
      if (cached[j] === undefined) misses.push(index);
      else results[index] = cached[j];
    });
    // Another request may have started fetching some of these while we waited for the cache.
    const toFetch = misses.filter((i) => !joinInflight(i));
    if (toFetch.length > 0) waiting.push(fetchOwn(toFetch));
    await Promise.all(waiting);

    // A joined fetch the platform refused was refused for the other request's keys (its input, not ours): this
    // request asks for its own keys again, so it never fails for someone else's.
    const refused = [...joined].filter((i) => isInputRefusal(results[i]));
    if (refused.length > 0) await fetchOwn(refused);
    return results;
  };
}

export function createLoaderRegistry(options: LoaderRegistryOptions): LoaderRegistry {
  const shared: Required<LoaderRegistryOptions> = {
    ...options,
    inflight: options.inflight ?? createInflightFetches(),
    batcher: options.batcher ?? createPlatformBatcher({ windowMs: 0 }),
  };
  const loaders = new Map<string, DataLoader<string, unknown>>();

  function loaderFor<T>(spec: LoaderSpec<T>, variant: string): DataLoader<string, unknown> {
    const id = `${spec.kind}\u0000${variant}`;
    let loader = loaders.get(id);
    if (!loader) {
      // Chunking to the platform limit happens in the batcher, after the cache has removed the hits.
      loader = new DataLoader<string, unknown>(createBatchFunction(spec, variant, shared), {
        maxBatchSize: Infinity,
      });
      loaders.set(id, loader);
    }
    return loader;
  }

  return {
    async load<T>(spec: LoaderSpec<T>, key: string, variant = ""): Promise<T | null> {
      return (await loaderFor(spec, variant).load(key)) as T | null;
    },
    async loadMany<T>(spec: LoaderSpec<T>, keys: readonly string[], variant = ""): Promise<Array<T | null>> {
      const loader = loaderFor(spec, variant);
      return (await Promise.all(keys.map((key) => loader.load(key)))) as Array<T | null>;
    },
  };
}
