import { LRUCache } from "lru-cache";
import { mgetAcrossSlots, type RedisClient, setAllWithTtl } from "../../common/redis.ts";
import type { Logger } from "./logger.ts";
import type { SubgraphMetrics } from "./metrics.ts";

/** Platform records by cache key (`<kind>:<variant>:<id>`); a miss is `undefined`. */
export interface RecordCache {
  mget(keys: readonly string[]): Promise<Array<unknown | undefined>>;
  /** Never throws and never waits on a slow Redis for longer than the command timeout. */
  mset(entries: ReadonlyArray<readonly [string, unknown]>, ttlSeconds: number): Promise<void>;
}

export interface RecordCacheOptions {
  /** A client made with `createRedisClient` (no offline queue, so a down Redis answers at once). Absent → in-memory LRU. */
  redis?: RedisClient | null;
  maxEntries: number;
  metrics: SubgraphMetrics;
  logger: Logger;
  /** `false` → every lookup is a miss and nothing is stored (RECORD_CACHE=off). */
  enabled?: boolean;
  commandTimeoutMs?: number;
}

function kindOf(key: string): string {
  return key.slice(0, key.indexOf(":"));
}

class CommandTimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommandTimeoutError(`redis command exceeded ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function countLookups(
  metrics: SubgraphMetrics,
  keys: readonly string[],
  values: ReadonlyArray<unknown>,
): void {
  const counts = new Map<string, { hit: number; miss: number }>();
  keys.forEach((key, i) => {
    const kind = kindOf(key);
    const count = counts.get(kind) ?? { hit: 0, miss: 0 };
    if (values[i] === undefined) count.miss++;
    else count.hit++;
    counts.set(kind, count);
  });
  for (const [kind, { hit, miss }] of counts) {
    if (hit) metrics.recordCacheLookups.inc({ kind, result: "hit" }, hit);
    if (miss) metrics.recordCacheLookups.inc({ kind, result: "miss" }, miss);
  }
}

function createDisabledRecordCache(): RecordCache {
  return {
    mget: async (keys) => keys.map(() => undefined),
    mset: async () => {},
  };
}

function createMemoryRecordCache(maxEntries: number, metrics: SubgraphMetrics): RecordCache {
  const lru = new LRUCache<string, { value: unknown }>({ max: maxEntries });
  return {
    async mget(keys) {
      const values = keys.map((key) => lru.get(key)?.value);
      countLookups(metrics, keys, values);
      return values;
    },
    async mset(entries, ttlSeconds) {
      for (const [key, value] of entries) lru.set(key, { value }, { ttl: ttlSeconds * 1000 });
    },
  };
}

function createRedisRecordCache(
  redis: RedisClient,
  metrics: SubgraphMetrics,
  logger: Logger,
  commandTimeoutMs: number,
): RecordCache {
  let lastErrorLog = 0;
  const failOpen = (operation: string, error: unknown) => {
    metrics.redisErrors.inc({ operation });
    const now = Date.now();
    // One line per 10 s is enough to tell an operator Redis is down; a line per request would flood the log.
    if (now - lastErrorLog > 10_000) {
      lastErrorLog = now;
      logger.warn(
        { operation, reason: error instanceof Error ? error.message : String(error) },
        "record cache unavailable, answering without it",
      );
    }
  };
  return {
    async mget(keys) {
      if (keys.length === 0) return [];
      let raw: Array<string | null>;
      try {
        raw = await withTimeout(mgetAcrossSlots(redis, keys), commandTimeoutMs);
      } catch (error) {
        failOpen("mget", error);
        for (const key of keys) metrics.recordCacheLookups.inc({ kind: kindOf(key), result: "error" });
        return keys.map(() => undefined);
      }
      const values = raw.map((text) => {
        if (text === null) return undefined;
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return undefined;
        }
      });
      countLookups(metrics, keys, values);
      return values;
    },
    async mset(entries, ttlSeconds) {
      const values = entries.map(([key, value]) => ({ key, value: JSON.stringify(value), ttlSeconds }));
      try {
        await withTimeout(setAllWithTtl(redis, values), commandTimeoutMs);
      } catch (error) {
        failOpen("set", error);
      }
    },
  };
}

export function createRecordCache(options: RecordCacheOptions): RecordCache {
  if (options.enabled === false) return createDisabledRecordCache();
  if (!options.redis) return createMemoryRecordCache(options.maxEntries, options.metrics);
  return createRedisRecordCache(
    options.redis,
    options.metrics,
    options.logger,
    options.commandTimeoutMs ?? 100,
  );
}
