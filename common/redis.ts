// The Redis the gateway and the subgraphs share, as one server (REDIS_URL), a Redis Cluster (REDIS_CLUSTER_NODES) or
// a master found through Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME), and the few multi-key operations the caches
// need, written so that no command ever crosses a cluster slot.
import calculateSlot from "cluster-key-slot";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { z } from "zod";
import { optionalString } from "./envSchema.ts";

export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

export type RedisConnection =
  | { mode: "single"; url: string }
  | { mode: "cluster"; nodes: HostPort[] }
  | { mode: "sentinel"; sentinels: HostPort[]; name: string };

/** The variables naming the Redis; `redisConnectionOf` reads them. */
export const redisConnectionVariables = {
  REDIS_URL: optionalString,
  REDIS_CLUSTER_NODES: optionalString,
  REDIS_SENTINELS: optionalString,
  REDIS_SENTINEL_NAME: optionalString,
};

type RedisConnectionEnv = { [K in keyof typeof redisConnectionVariables]: string | null };

/** `host:port,host:port` (IPv6 hosts in brackets); an unreadable entry becomes an issue on `variable`. */
function hostPorts(text: string, variable: string, ctx: z.RefinementCtx): HostPort[] {
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .flatMap((entry) => {
      const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (!match?.[1] || port < 1 || port > 65_535) {
        ctx.addIssue({ code: "custom", path: [variable], message: `"${entry}" is not host:port` });
        return [];
      }
      return [{ host: match[1], port }];
    });
}

/**
 * Exactly one way to reach Redis, or none (the caches are then in memory, per process). Two at once is refused rather
 * than one silently winning: an operator who set both meant something the process would not do.
 */
export function redisConnectionOf(env: RedisConnectionEnv, ctx: z.RefinementCtx): RedisConnection | null {
  const named = (["REDIS_URL", "REDIS_CLUSTER_NODES", "REDIS_SENTINELS"] as const).filter((key) => env[key]);
  if (named.length > 1) {
    ctx.addIssue({ code: "custom", path: [named[1]!], message: `set one of ${named.join(", ")}, not both` });
    return null;
  }
  if (env.REDIS_SENTINEL_NAME && !env.REDIS_SENTINELS) {
    ctx.addIssue({ code: "custom", path: ["REDIS_SENTINELS"], message: "required with REDIS_SENTINEL_NAME" });
    return null;
  }
  if (env.REDIS_URL) {
    if (!/^rediss?:\/\/./.test(env.REDIS_URL)) {
      ctx.addIssue({ code: "custom", path: ["REDIS_URL"], message: "must be a redis:// or rediss:// URL" });
      return null;
    }
    return { mode: "single", url: env.REDIS_URL };
  }
  if (env.REDIS_CLUSTER_NODES) {
    return { mode: "cluster", nodes: hostPorts(env.REDIS_CLUSTER_NODES, "REDIS_CLUSTER_NODES", ctx) };
  }
  if (env.REDIS_SENTINELS) {
    const sentinels = hostPorts(env.REDIS_SENTINELS, "REDIS_SENTINELS", ctx);
    if (!env.REDIS_SENTINEL_NAME) {
      ctx.addIssue({
        code: "custom",
        path: ["REDIS_SENTINEL_NAME"],
        message: "required with REDIS_SENTINELS (the master's name the sentinels monitor)",
      });
      return null;
    }
    return { mode: "sentinel", sentinels, name: env.REDIS_SENTINEL_NAME };
  }
  return null;
}

/** For start-up logs: credentials in a URL replaced. */
export function redactRedisConnection(connection: RedisConnection | null): RedisConnection | null {
  if (connection?.mode !== "single") return connection;
  return { mode: "single", url: connection.url.replace(/\/\/[^@/]*@/, "//***@") };
}

export interface RedisClientOptions {
  keyPrefix?: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

const reconnectDelay = (attempt: number) => Math.min(attempt * 200, 2000);

/**
 * A client for fail-open caches: commands are never queued while Redis is away and never retried, so a down Redis
 * answers at once as a miss; reconnection happens in the background. A Cluster follows MOVED/ASK redirections and
 * refreshes its slot map after a failover on its own.
 */
export function createRedisClient(connection: RedisConnection, options: RedisClientOptions): RedisClient {
  const bounded: RedisOptions = {
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs,
  };
  const failFast: RedisOptions = { ...bounded, enableOfflineQueue: false, retryStrategy: reconnectDelay };
  switch (connection.mode) {
    case "single":
      return new Redis(connection.url, { ...failFast, keyPrefix: options.keyPrefix });
    case "sentinel":
      return new Redis({
        ...failFast,
        keyPrefix: options.keyPrefix,
        sentinels: connection.sentinels,
        name: connection.name,
        sentinelRetryStrategy: reconnectDelay,
      });
    case "cluster":
      // The Cluster refuses commands while it has no slot map; its node connections keep ioredis' own queueing and
      // reconnection (a node is connected lazily, and a lost one is replaced through the refreshed slot map). The
      // prefix stays on the Cluster, not on the nodes: purge talks to nodes with full keys.
      return new Cluster(connection.nodes, {
        keyPrefix: options.keyPrefix,
        redisOptions: bounded,
        enableOfflineQueue: false,
        // Off: ioredis' auto-pipeline, when a failover makes its pipeline retry, can call back with fewer results than
        // commands and throw outside any promise (ioredis#1931): an uncaught exception that took a gateway down
        // mid-failover (test/integration/cluster/redisCluster.test.ts). Commands still share each node's connection.
        enableAutoPipelining: false,
        clusterRetryStrategy: reconnectDelay,
        slotsRefreshTimeout: options.connectTimeoutMs,
      });
  }
}

/** The prefix the client puts before every key it sends (SCAN's MATCH does not get it). */
export function clientKeyPrefix(client: RedisClient): string {
  return client.options.keyPrefix ?? "";
}

/** Positions of `keys` by the cluster slot each lands in (after the client's own prefix). */
function bySlot(prefix: string, keys: readonly string[]): number[][] {
  const groups = new Map<number, number[]>();
  keys.forEach((key, index) => {
    const slot = calculateSlot(prefix + key);
    const group = groups.get(slot);
    if (group) group.push(index);
    else groups.set(slot, [index]);
  });
  return [...groups.values()];
}

export type ClusterPipeline = ReturnType<Cluster["pipeline"]>;

/**
 * Runs one command per item against a Cluster, as one pipeline per master (the master serving the slot of the item's
 * `slotKey`), all masters at once, and returns the replies in the items' order. Rejects when any command fails or a
 * pipeline answers short (callers fail open). Explicit pipelines rather than ioredis' auto-pipelining, which can throw
 * outside any promise when a failover makes it retry (`createRedisClient`): here a bad reply is only a rejection.
 * A cold dashboard's 393-key read on a 3-master Cluster: 1.3 ms (1.6 ms client CPU) this way, against 3.1 ms as one
 * command per slot and 1.6–2.0 ms auto-pipelined.
 */
export async function pipelinedByMaster<T>(
  client: Cluster,
  items: readonly T[],
  slotKey: (item: T) => string,
  add: (pipeline: ClusterPipeline, item: T) => void,
): Promise<unknown[]> {
  const prefix = clientKeyPrefix(client);
  const byMaster = new Map<string, number[]>();
  items.forEach((item, index) => {
    const slot = calculateSlot(prefix + slotKey(item));
    // Before the slot map is known, per slot: ioredis holds each pipeline until it is.
    const master = client.slots[slot]?.[0] ?? `slot ${slot}`;
    const group = byMaster.get(master);
    if (group) group.push(index);
    else byMaster.set(master, [index]);
  });
  const replies: unknown[] = new Array(items.length);
  await Promise.all(
    [...byMaster.values()].map(async (indexes) => {
      const pipeline = client.pipeline();
      for (const index of indexes) add(pipeline, items[index]!);
      const results = await pipeline.exec();
      indexes.forEach((index, position) => {
        const result = results?.[position];
        if (!result) throw new Error("redis cluster pipeline answered fewer replies than it was sent");
        if (result[0]) throw result[0];
        replies[index] = result[1];
      });
    }),
  );
  return replies;
}

/**
 * MGET that never crosses a slot: against a Cluster, one MGET per slot, batched per master, so a read of many entities
 * spreads over the masters instead of failing with CROSSSLOT. Rejects when any part fails (callers fail open).
 */
export function mgetAcrossSlots(client: RedisClient, keys: readonly string[]): Promise<Array<string | null>> {
  return mgetEach<string>(client, keys, "mget");
}

/** `mgetAcrossSlots` whose values stay bytes: a value written out as it is never becomes a JS string. */
export function mgetBuffersAcrossSlots(
  client: RedisClient,
  keys: readonly string[],
): Promise<Array<Buffer | null>> {
  return mgetEach<Buffer>(client, keys, "mgetBuffer");
}

async function mgetEach<Value extends string | Buffer>(
  client: RedisClient,
  keys: readonly string[],
  command: "mget" | "mgetBuffer",
): Promise<Array<Value | null>> {
  if (keys.length === 0) return [];
  if (!(client instanceof Cluster)) return (await client[command](...keys)) as Array<Value | null>;
  const groups = bySlot(clientKeyPrefix(client), keys);
  const found = await pipelinedByMaster(
    client,
    groups,
    (positions) => keys[positions[0]!]!,
    (pipeline, positions) => pipeline[command](...positions.map((position) => keys[position]!)),
  );
  const values: Array<Value | null> = new Array(keys.length).fill(null);
  groups.forEach((positions, i) => {
    const slotValues = found[i] as Array<Value | null>;
    positions.forEach((position, j) => {
      values[position] = slotValues[j] ?? null;
    });
  });
  return values;
}

export interface ExpiringValue {
  key: string;
  value: string | Buffer;
  ttlSeconds: number;
}

/** SET … EX for each entry: one pipeline on a single server, one per master on a Cluster. */
export async function setAllWithTtl(client: RedisClient, entries: readonly ExpiringValue[]): Promise<void> {
  if (entries.length === 0) return;
  if (client instanceof Cluster) {
    await pipelinedByMaster(
      client,
      entries,
      (entry) => entry.key,
      (pipeline, entry) => pipeline.set(entry.key, entry.value, "EX", entry.ttlSeconds),
    );
    return;
  }
  const pipeline = client.pipeline();
  for (const entry of entries) pipeline.set(entry.key, entry.value, "EX", entry.ttlSeconds);
  const failed = (await pipeline.exec())?.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
}

/** UNLINK of many keys: one command on a single server, one per key in a pipeline per master on a Cluster. */
export async function unlinkKeys(client: RedisClient, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  if (!(client instanceof Cluster)) return client.unlink(...keys);
  const counts = await pipelinedByMaster(
    client,
    keys,
    (key) => key,
    (pipeline, key) => pipeline.unlink(key),
  );
  return (counts as number[]).reduce((a, b) => a + b, 0);
}

/**
 * Deletes every key whose full name (client prefix included) starts with `fullPrefix`, on every master of a Cluster,
 * and returns how many went. SCAN only sees the node it runs on, and on a Cluster UNLINK of many keys must stay in one
 * slot.
 */
export async function unlinkByPrefix(
  client: RedisClient,
  fullPrefix: string,
  scanCount = 500,
): Promise<number> {
  const pattern = `${fullPrefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
  const nodes = client instanceof Cluster ? client.nodes("master") : [client];
  const counts = await Promise.all(
    nodes.map(async (node) => {
      // A single server's client adds its prefix to UNLINK's keys; a cluster node's connection adds none.
      const nodePrefix = clientKeyPrefix(node);
      let cursor = "0";
      let deleted = 0;
      do {
        const [next, found] = await node.scan(cursor, "MATCH", pattern, "COUNT", scanCount);
        cursor = next;
        const keys = found.map((key) => key.slice(nodePrefix.length));
        // One UNLINK per batch on a single server; a cluster node takes only keys of one slot per command.
        const batches =
          client instanceof Cluster
            ? bySlot(nodePrefix, keys).map((positions) => positions.map((position) => keys[position]!))
            : [keys];
        const unlinked = await Promise.all(
          batches.filter((batch) => batch.length > 0).map((batch) => node.unlink(...batch)),
        );
        deleted += unlinked.reduce((sum, count) => sum + count, 0);
      } while (cursor !== "0");
      return deleted;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * PING, bounded; null when Redis answered, else the problem. A Cluster is whole only when every master it knows answers
 * and the cluster says its slots are all served (a dead master's peers still answer PING while its slots are down).
 */
export async function pingAll(client: RedisClient, timeoutMs: number): Promise<string | null> {
  const check = async (): Promise<string | null> => {
    if (!(client instanceof Cluster))
      return (await client.ping()) === "PONG" ? null : "unexpected PING answer";
    const masters = client.nodes("master");
    if (masters.length === 0) return "no cluster node known";
    await Promise.all(masters.map((node) => node.ping()));
    const state = /cluster_state:(\w+)/.exec(await client.cluster("INFO"))?.[1];
    return state === "ok" ? null : `cluster_state ${state ?? "unknown"}`;
  };
  try {
    return await Promise.race([
      check(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
    ]);
  } catch (error) {
    return (error as Error).message;
  }
}
