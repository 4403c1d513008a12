import { randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import { purgedTags } from "../../common/cacheTags.ts";
import {
  clientKeyPrefix,
  mgetAcrossSlots,
  mgetBuffersAcrossSlots,
  type RedisClient,
  unlinkByPrefix,
  unlinkKeys,
} from "../../common/redis.ts";
import type { Logger } from "../observability/logger.ts";
import type { CacheLayer, GatewayMetrics } from "../observability/metrics.ts";
import { setAllTagged, unlinkTagged } from "./redisTagIndex.ts";
import { writeBehind } from "./writeBehind.ts";
import type { WriteWindow } from "./writeWindow.ts";

/** `error` means the store could not answer (Redis slow or down): callers treat it as a miss and report BYPASS. */
export type CacheLookup<T> = { status: "hit"; value: T } | { status: "miss" } | { status: "error" };

export interface CacheEntry {
  key: string;
  value: unknown;
  ttlSeconds: number;
  /** Cache tags (`province:40`): a purge of any of them deletes the entry. */
  tags?: readonly string[];
  /**
   * When the reads behind the value began (ms since the epoch). A purge of the layer since then, in this process or
   * (on Redis) any replica, leaves the entry unstored: the value may hold what the purge removed, and storing it
   * after the purge would bring that back for a whole TTL.
   */
  computedSince?: number;
}

export interface CacheStore {
  readonly layer: CacheLayer;
  get<T>(key: string): Promise<CacheLookup<T>>;
  mget<T>(keys: readonly string[]): Promise<CacheLookup<T>[]>;
  /** Resolves false when the value could not be stored; never rejects. */
  set(key: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  mset(entries: readonly CacheEntry[]): Promise<boolean>;
  del(key: string): Promise<boolean>;
  /**
   * Deletes every key starting with `prefix` (on every master of a Cluster) and returns how many went. Rejects when
   * Redis fails: ops must know.
   */
  purge(prefix: string): Promise<number>;
  /**
   * Deletes every entry stored with any of `tags`, or with the type tag of one of them (`commune` for `commune:16681`),
   * and returns how many went; on Redis, every replica's entries. Rejects when Redis fails.
   */
  purgeTags(tags: readonly string[]): Promise<number>;
  /**
   * Takes `key` for `ttlMs` unless someone (any replica, on Redis: SET NX PX) holds it: true for exactly one caller.
   * False when the store cannot answer, so a Redis outage never starts a refresh storm.
   */
  acquireLock(key: string, ttlMs: number): Promise<boolean>;
  /** Frees a lock taken by `acquireLock` before its expiry (a refresh that failed); never rejects. */
  releaseLock(key: string): Promise<void>;
}

/**
 * How a layer's values become what Redis (or the in-memory stand-in) holds: text, or bytes for a layer whose values
 * are mostly bytes written out as they are (the response layer's bodies), read back without becoming a JS string.
 * `decode` throws on what it cannot read, which the store answers as a miss.
 */
export type ValueCodec = TextCodec | ByteCodec;

export interface TextCodec {
  bytes?: false;
  encode(value: unknown): string;
  decode(text: string): unknown;
}

export interface ByteCodec {
  bytes: true;
  encode(value: unknown): Buffer;
  decode(bytes: Buffer): unknown;
}

/** A store holds and reads what its codec writes: text for a text codec, bytes for a byte codec. */
function decodeWith(codec: ValueCodec, raw: string | Buffer): unknown {
  return codec.bytes ? codec.decode(raw as Buffer) : codec.decode(raw as string);
}

export const JSON_CODEC: ValueCodec = { encode: JSON.stringify, decode: JSON.parse };

export interface CacheStoreOptions {
  redis: RedisClient | null;
  layer: CacheLayer;
  /** JSON when absent. */
  codec?: ValueCodec;
  /** Bound of the in-memory stand-in used when no Redis is configured. */
  maxEntries: number;
  metrics: Pick<GatewayMetrics, "cacheLookups">;
  logger: Logger;
  /** When queued writes go out; without one, on the immediate after they were queued. */
  writeWindow?: WriteWindow;
  /** A Redis command slower than this answers as a miss; a cache must never make a request slower than no cache. */
  commandTimeoutMs?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 50;

/**
 * How long a replica's purge fence is kept in Redis: longer than any execution or subgraph fetch can run, since only
 * values computed from reads that began before the purge are refused.
 */
const PURGE_FENCE_TTL_SECONDS = 3600;

/**
 * The clock of purge fences and `computedSince`: wall time (replicas compare it through Redis) at sub-millisecond
 * resolution, so that in one process a read that begins right after a purge is never taken for one before it.
 */
export function purgeClock(): number {
  return performance.timeOrigin + performance.now();
}

/** Entries that may hold data a purge at `fence` (ms since the epoch, 0 = none) removed. */
function fencedOut(entry: CacheEntry, fence: number): boolean {
  return entry.computedSince !== undefined && entry.computedSince <= fence;
}

/** One counter update per outcome and batch: a cold dashboard looks up hundreds of entities at once. */
function countLookups(
  { layer, metrics }: Pick<CacheStoreOptions, "layer" | "metrics">,
  results: readonly CacheLookup<unknown>[],
): void {
  const tally = { hit: 0, miss: 0, error: 0 };
  for (const result of results) tally[result.status] += 1;
  for (const result of ["hit", "miss", "error"] as const) {
    if (tally[result] > 0) metrics.cacheLookups.inc({ layer, result }, tally[result]);
  }
}

export function createCacheStore(options: CacheStoreOptions): CacheStore {
  return writeBehind(
    options.redis ? createRedisStore(options, options.redis) : createMemoryStore(options),
    options.writeWindow,
  );
}

function createRedisStore(options: CacheStoreOptions, redis: RedisClient): CacheStore {
  const { layer, logger, codec = JSON_CODEC } = options;
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const namespace = `lienthong:${layer}:`;
  // Outside the namespace, so that a purge of everything (prefix "") does not take the fence with it. A hash with one
  // field per replica: a write checks other replicas' purges there, while its own process's are ordered on the
  // connection (below).
  const fenceKey = `lienthong:#purges:${layer}`;
  const replicaId = randomUUID();
  /**
   * This process's last purge of the layer. Replicas compare their wall clocks through `fenceKey`, so the fence is as
   * exact as their clocks agree (NTP: milliseconds, against the tens of milliseconds to seconds a refresh runs).
   */
  let ownFence = 0;
  let lastErrorLogAt = 0;

  function reportError(operation: string, error: unknown): void {
    // One line per second at most: a Redis outage would otherwise log once per request.
    const now = Date.now();
    if (now - lastErrorLogAt < 1000) return;
    lastErrorLogAt = now;
    logger.warn(
      { layer, operation, err: error instanceof Error ? error.message : String(error) },
      "cache store failed open",
    );
  }

  async function bounded<T>(operation: string, command: () => Promise<T>): Promise<T> {
    if (redis.status === "end" || redis.status === "close" || redis.status === "reconnecting") {
      throw new Error(`redis ${redis.status}`);
    }
    let timer: NodeJS.Timeout | undefined;
    const pending = command();
    // The command may still settle after the timeout; its late rejection must not become an unhandled one.
    pending.catch(() => {});
    try {
      return await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`redis ${operation} timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
          timer.unref();
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  function decode<T>(raw: string | Buffer | null): CacheLookup<T> {
    if (raw === null) return { status: "miss" };
    try {
      return { status: "hit", value: decodeWith(codec, raw) as T };
    } catch {
      return { status: "miss" };
    }
  }

  async function mget<T>(keys: readonly string[]): Promise<CacheLookup<T>[]> {
    if (keys.length === 0) return [];
    let results: CacheLookup<T>[];
    try {
      const namespaced = keys.map((key) => namespace + key);
      const raws = await bounded<Array<string | Buffer | null>>("mget", () =>
        codec.bytes ? mgetBuffersAcrossSlots(redis, namespaced) : mgetAcrossSlots(redis, namespaced),
      );
      results = raws.map((raw) => decode<T>(raw));
    } catch (error) {
      reportError("mget", error);
      results = keys.map(() => ({ status: "error" }));
    }
    countLookups(options, results);
    return results;
  }

  /** Raised before anything is deleted, so a write on another replica that reads it afterwards takes itself back. */
  async function raiseFence(): Promise<void> {
    ownFence = purgeClock();
    await Promise.all([
      redis.hset(fenceKey, replicaId, String(ownFence)),
      redis.expire(fenceKey, PURGE_FENCE_TTL_SECONDS),
    ]);
  }

  /**
   * Entries computed before another replica's purge, which the write just stored, are deleted again. The fence is read
   * after the SETs were acknowledged: a purge whose fence this read misses raised it later still, and its deletes,
   * which follow its fence, find these entries. Such an entry is visible for one round trip at most. This process's
   * own purges need no check: the SETs were sent before any purge asked after them, on the same connection, so such a
   * purge deletes what it targets and leaves the rest. When the fence cannot be read the entries are deleted too: an
   * entry that may hold purged data is worth less than a miss.
   */
  async function takeBackFencedOut(stored: readonly CacheEntry[]): Promise<boolean> {
    const checked = stored.filter((entry) => entry.computedSince !== undefined);
    if (checked.length === 0) return true;
    let stale: readonly CacheEntry[];
    try {
      const fences = await bounded("fence", () => redis.hgetall(fenceKey));
      const others = Math.max(
        0,
        ...Object.entries(fences).map(([replica, at]) => (replica === replicaId ? 0 : Number(at))),
      );
      stale = checked.filter((entry) => fencedOut(entry, others));
    } catch (error) {
      reportError("fence", error);
      stale = checked;
    }
    if (stale.length === 0) return true;
    try {
      await bounded("del", () =>
        unlinkKeys(
          redis,
          stale.map((entry) => namespace + entry.key),
        ),
      );
    } catch (error) {
      reportError("del", error);
    }
    return false;
  }

  async function mset(entries: readonly CacheEntry[]): Promise<boolean> {
    const writable = entries.filter((entry) => entry.ttlSeconds > 0);
    if (writable.length === 0) return true;
    // A purge by this process is known here and now: what it fenced out is not even sent.
    const storable = writable.filter((entry) => !fencedOut(entry, ownFence));
    if (storable.length === 0) return false;
    try {
      await bounded("set", () =>
        setAllTagged(
          redis,
          namespace,
          storable.map((entry) => ({
            key: namespace + entry.key,
            value: codec.encode(entry.value),
            ttlSeconds: Math.ceil(entry.ttlSeconds),
            tags: entry.tags,
          })),
        ),
      );
    } catch (error) {
      reportError("set", error);
      return false;
    }
    return takeBackFencedOut(storable);
  }

  return {
    layer,
    async get<T>(key: string) {
      const [result] = await mget<T>([key]);
      return result ?? { status: "error" };
    },
    mget,
    set: (key, value, ttlSeconds) => mset([{ key, value, ttlSeconds }]),
    mset,
    async del(key) {
      try {
        await bounded("del", () => redis.unlink(namespace + key));
        return true;
      } catch (error) {
        reportError("del", error);
        return false;
      }
    },
    async purge(prefix) {
      await raiseFence();
      return unlinkByPrefix(redis, clientKeyPrefix(redis) + namespace + prefix);
    },
    async purgeTags(tags) {
      await raiseFence();
      return unlinkTagged(redis, namespace, tags);
    },
    async acquireLock(key, ttlMs) {
      try {
        return (
          (await bounded("lock", () => redis.set(`${namespace}#lock:${key}`, "1", "PX", ttlMs, "NX"))) ===
          "OK"
        );
      } catch (error) {
        reportError("lock", error);
        return false;
      }
    },
    async releaseLock(key) {
      try {
        await bounded("unlock", () => redis.unlink(`${namespace}#lock:${key}`));
      } catch (error) {
        reportError("unlock", error);
      }
    },
  };
}

function createMemoryStore(options: CacheStoreOptions): CacheStore {
  const { layer, codec = JSON_CODEC } = options;
  const locks = new LRUCache<string, true>({ max: options.maxEntries });
  const keysByTag = new Map<string, Set<string>>();
  const tagsByKey = new Map<string, readonly string[]>();
  let purgedAt = 0;
  // Values are kept encoded so that every reader gets its own copy, as it would from Redis. A byte codec's readers
  // may get views of the stored bytes: they write them out, and none writes into them.
  const entries = new LRUCache<string, string | Buffer>({
    max: options.maxEntries,
    // Evicted, expired, deleted or replaced: the entry leaves the tag index with it.
    dispose: (_value, key) => unindex(key),
  });

  function unindex(key: string): void {
    for (const tag of tagsByKey.get(key) ?? []) {
      const keys = keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) keysByTag.delete(tag);
    }
    tagsByKey.delete(key);
  }

  function lookup<T>(keys: readonly string[]): CacheLookup<T>[] {
    const results = keys.map((key): CacheLookup<T> => {
      const raw = entries.get(key);
      return raw === undefined ? { status: "miss" } : { status: "hit", value: decodeWith(codec, raw) as T };
    });
    countLookups(options, results);
    return results;
  }

  function store(entry: CacheEntry): boolean {
    if (entry.ttlSeconds <= 0) return true;
    if (fencedOut(entry, purgedAt)) return false;
    entries.set(entry.key, codec.encode(entry.value), { ttl: entry.ttlSeconds * 1000 });
    if (!entry.tags?.length) return true;
    tagsByKey.set(entry.key, entry.tags);
    for (const tag of entry.tags) {
      const keys = keysByTag.get(tag) ?? new Set<string>();
      keys.add(entry.key);
      keysByTag.set(tag, keys);
    }
    return true;
  }

  return {
    layer,
    get: async <T>(key: string) => lookup<T>([key])[0]!,
    mget: async (keys) => lookup(keys),
    set: async (key, value, ttlSeconds) => store({ key, value, ttlSeconds }),
    async mset(batch) {
      let all = true;
      for (const entry of batch) all = store(entry) && all;
      return all;
    },
    del: async (key) => entries.delete(key),
    async purge(prefix) {
      purgedAt = purgeClock();
      const keys = [...entries.keys()].filter((key) => key.startsWith(prefix));
      if (keys.length === entries.size) {
        // Everything goes (`{"scope":"all"}`): emptied at once instead of key by key, each updating the tag index.
        tagsByKey.clear();
        keysByTag.clear();
        entries.clear();
        return keys.length;
      }
      let deleted = 0;
      for (const key of keys) if (entries.delete(key)) deleted += 1;
      return deleted;
    },
    async acquireLock(key, ttlMs) {
      if (locks.has(key)) return false;
      locks.set(key, true, { ttl: ttlMs });
      return true;
    },
    async releaseLock(key) {
      locks.delete(key);
    },
    async purgeTags(tags) {
      purgedAt = purgeClock();
      const keys = new Set(purgedTags(tags).flatMap((tag) => [...(keysByTag.get(tag) ?? [])]));
      let deleted = 0;
      for (const key of keys) if (entries.delete(key)) deleted += 1;
      return deleted;
    },
  };
}
