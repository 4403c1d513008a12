import { Cluster } from "ioredis";
import { purgedTags } from "../../common/cacheTags.ts";
import type { ExpiringValue, RedisClient } from "../../common/redis.ts";

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
 * For each tag set in KEYS, in order, ARGV holds the TTL of its longest-lived entry, the number of keys, then the keys:
 * SADD of the keys to the set, whose TTL is then raised to at least that (never lowered: the set must outlive its
 * longest entry so that a purge finds every live one).
 */
const INDEX_TAGS_SCRIPT = `
local at = 1
for _, indexKey in ipairs(KEYS) do
  local ttl = tonumber(ARGV[at])
  local count = tonumber(ARGV[at + 1])
  redis.call("SADD", indexKey, unpack(ARGV, at + 2, at + 1 + count))
  if redis.call("TTL", indexKey) < ttl then redis.call("EXPIRE", indexKey, ttl) end
  at = at + 2 + count
end
`;
const INDEX_TAGS_COMMAND = "lienthongIndexTags";

/** `numberOfKeys`, the tag sets, then each set's TTL, key count and keys. */
type IndexTagsArguments = [numberOfKeys: number, ...rest: (string | number)[]];
type IndexingClient = RedisClient & { lienthongIndexTags(...args: IndexTagsArguments): Promise<unknown> };
type IndexingPipeline = ReturnType<RedisClient["pipeline"]> & {
  lienthongIndexTags(...args: IndexTagsArguments): unknown;
};

function indexing(client: RedisClient): IndexingClient {
  if (!(INDEX_TAGS_COMMAND in client)) {
    // EVALSHA under the hood, in pipelines too; defined once per client; the number of keys comes first in each call.
    client.defineCommand(INDEX_TAGS_COMMAND, { lua: INDEX_TAGS_SCRIPT });
  }
  return client as IndexingClient;
}

interface TagGroup {
  keys: string[];
  ttlSeconds: number;
}

/** The script's arguments for these tag sets. */
function indexTagsArguments(namespace: string, groups: readonly [string, TagGroup][]): IndexTagsArguments {
  return [
    groups.length,
    ...groups.map(([tag]) => tagIndexKey(namespace, tag)),
    ...groups.flatMap(([, { keys, ttlSeconds }]) => [ttlSeconds, keys.length, ...keys]),
  ];
}

/**
 * SET … EX for each entry and its key added to a set per tag. On a single server, one round trip, with one script call
 * for every tag of the batch (a cold dashboard's fetch has a hundred); on a Cluster, one command per entry and per tag,
 * which lands in its own slot.
 */
export async function setAllTagged(
  client: RedisClient,
  namespace: string,
  entries: readonly TaggedValue[],
): Promise<void> {
  const byTag = new Map<string, TagGroup>();
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
    // Entries and tag sets are spread over slots: one command each, which ioredis pipelines per node.
    await Promise.all([
      ...entries.map((entry) => client.set(entry.key, entry.value, "EX", entry.ttlSeconds)),
      ...[...byTag].map((group) => indexer.lienthongIndexTags(...indexTagsArguments(namespace, [group]))),
    ]);
    return;
  }
  const pipeline = indexer.pipeline() as IndexingPipeline;
  for (const entry of entries) pipeline.set(entry.key, entry.value, "EX", entry.ttlSeconds);
  if (byTag.size > 0) pipeline.lienthongIndexTags(...indexTagsArguments(namespace, [...byTag]));
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
  const unlinkEach = (list: readonly string[]) =>
    client instanceof Cluster
      ? Promise.all(list.map((key) => client.unlink(key))).then((counts) => counts.reduce((a, b) => a + b, 0))
      : list.length > 0
        ? client.unlink(...list)
        : Promise.resolve(0);
  const [deleted] = await Promise.all([unlinkEach(keys), unlinkEach(indexKeys)]);
  return deleted;
}
