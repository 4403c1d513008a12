import { Cluster } from "ioredis";
import type { RedisClient } from "../../common/redis.ts";

const writeConnections = new WeakMap<RedisClient, RedisClient>();

/**
 * A second connection to the client's Redis, for the writes nobody waits for (cache entries with their tag index, lock
 * releases). Redis answers one connection's commands in order: on a shared connection, a warm request's read waited
 * behind a cold dashboard's write of some 400 entries, past the command timeout on a loaded machine (a read that slow
 * answers as a miss). One per client, shared by every layer's store; same options, so same key prefix and the same
 * fail-fast queueing. It ends when the client ends, and its errors go to the client's own listeners, which log and
 * count them.
 */
export function writeConnectionOf(client: RedisClient): RedisClient {
  const existing = writeConnections.get(client);
  if (existing) return existing;
  // Connected at once even when the client connects lazily: the first write must not pay for the connection.
  const writes =
    client instanceof Cluster
      ? client.duplicate(undefined, { lazyConnect: false })
      : client.duplicate({ lazyConnect: false });
  writes.on("error", (error: Error) => {
    if (client.listenerCount("error") > 0) client.emit("error", error);
  });
  client.once("end", () => {
    // Writes already sent are answered before the connection closes.
    writes.quit().catch(() => writes.disconnect());
  });
  writeConnections.set(client, writes);
  return writes;
}
