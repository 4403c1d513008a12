import { Cluster } from "ioredis";
import { purgedTags } from "../../common/cacheTags.ts";
import { type ExpiringValue, pipelinedByMaster, type RedisClient, unlinkKeys } from "../../common/redis.ts";

export interface TaggedValue extends ExpiringValue {
  tags?: readonly string[];
}

/**
 * Where the keys of the entries carrying `tag` are listed. `#` cannot begin a GraphQL type name nor a hex digest, so no
 * purge prefix of the entity or response layers (`<Type>:`, `@fetch:`) ever matches it; `purge("")` takes it with the rest.
 */
export function tagIndexKey(namespace: string, tag: string): string {
  return `${namespace}#tag:${tag}`;
}

/**
 * SADD of the keys to the tag's set, whose TTL is then raised to at least the entries' (never lowered: the set must
 * outlive its longest entry so that a purge finds every live one), in one command per tag.
 */
const INDEX_TAG_SCRIPT = `
redis.call("SADD", KEYS[1], unpack(ARGV, 2))
if redis.call("TTL", KEYS[1]) < tonumber(ARGV[1]) then redis.call("EXPIRE", KEYS[1], ARGV[1]) end
`;
const INDEX_TAG_COMMAND = "lienthongIndexTag";

type IndexingClient = RedisClient & {
  lienthongIndexTag(indexKey: string, ttlSeconds: number, ...keys: string[]): Promise<unknown>;
};
type IndexingPipeline = ReturnType<RedisClient["pipeline"]> & {
  lienthongIndexTag(indexKey: string, ttlSeconds: number, ...keys: string[]): unknown;
};

function indexing(client: RedisClient): IndexingClient {
  if (!(INDEX_TAG_COMMAND in client)) {
    // EVALSHA under the hood, in pipelines too; defined once per client.
    client.defineCommand(INDEX_TAG_COMMAND, { numberOfKeys: 1, lua: INDEX_TAG_SCRIPT });
  }
  return client as IndexingClient;
}

/**
 * SET … EX for each entry and its key added to a set per tag, in one round trip on a single server. Keys of entries
 * already gone cost a purge a no-op UNLINK.
 */
export async function setAllTagged(
  client: RedisClient,
  namespace: string,
  entries: readonly TaggedValue[],
): Promise<void> {
  const byTag = new Map<string, { keys: string[]; ttlSeconds: number }>();
  for (const entry of entries) {
    for (const tag of entry.tags ?? []) {
      const group = byTag.get(tag) ?? { keys: [], ttlSeconds: 0 };
      group.keys.push(entry.key);
      group.ttlSeconds = Math.max(group.ttlSeconds, entry.ttlSeconds);
      byTag.set(tag, group);
    }
  }
  const indexer = indexing(client);
  if (client instanceof Cluster) {
    // Entries and tag sets are spread over slots: one command each, batched per master.
    type Write = { key: string; add(pipeline: IndexingPipeline): void };
    const writes: Write[] = [
      ...entries.map((entry) => ({
        key: entry.key,
        add: (pipeline: IndexingPipeline) => pipeline.set(entry.key, entry.value, "EX", entry.ttlSeconds),
      })),
      ...[...byTag].map(([tag, { keys, ttlSeconds }]) => {
        const indexKey = tagIndexKey(namespace, tag);
        return {
          key: indexKey,
          add: (pipeline: IndexingPipeline) => pipeline.lienthongIndexTag(indexKey, ttlSeconds, ...keys),
        };
      }),
    ];
    await pipelinedByMaster(
      indexer as IndexingClient & Cluster,
      writes,
      (write) => write.key,
      (pipeline, write) => write.add(pipeline as IndexingPipeline),
    );
    return;
  }
  const pipeline = indexer.pipeline() as IndexingPipeline;
  for (const entry of entries) pipeline.set(entry.key, entry.value, "EX", entry.ttlSeconds);
  for (const [tag, { keys, ttlSeconds }] of byTag) {
    pipeline.lienthongIndexTag(tagIndexKey(namespace, tag), ttlSeconds, ...keys);
  }
  const failed = (await pipeline.exec())?.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
}

/**
 * Deletes every entry listed under any of `tags` (and under the type tag of each, which stands for any entity of the
 * type), with the tag sets, and returns how many entries went. Rejects when Redis fails: ops must know.
 */
export async function unlinkTagged(
  client: RedisClient,
  namespace: string,
  tags: readonly string[],
): Promise<number> {
  const indexKeys = purgedTags(tags).map((tag) => tagIndexKey(namespace, tag));
  const members = await Promise.all(indexKeys.map((indexKey) => client.smembers(indexKey)));
  const keys = [...new Set(members.flat())];
  const [deleted] = await Promise.all([unlinkKeys(client, keys), unlinkKeys(client, indexKeys)]);
  return deleted;
}
