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

/** Platform fetches under way, by cache key, shared by all requests of a process so concurrent misses fetch once. */
export type InflightFetches = Map<string, Promise<unknown>>;

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
        fetching.then(
          (value) => {
            results[index] = value;
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
      for (const i of indexes) {
        const cacheKey = cacheKeys[i]!;
        const record = fetched.then((records) => records.get(keys[i]!) ?? null);
        // Handled here so a failure nobody else joined is not an unhandled rejection; joiners get it themselves.
        record.catch(() => {});
        inflight.set(cacheKey, record);
        // Coalescing lasts until the record is in the cache, so no request in between misses both.
        const release = () => {
          if (inflight.get(cacheKey) === record) inflight.delete(cacheKey);
        };
        stored.then(release, release);
      }
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
