import { describe, expect, it } from "vitest";
import type { CacheEntry, CacheLookup, CacheStore } from "../../../gateway/cacheStore/store.ts";
import { writeBehind } from "../../../gateway/cacheStore/writeBehind.ts";

/** A store that records, in order, what reached it: the writes that were sent and the reads asked. */
function recordingStore() {
  const values = new Map<string, unknown>();
  const calls: string[] = [];
  const read = <T>(key: string): CacheLookup<T> =>
    values.has(key) ? { status: "hit", value: values.get(key) as T } : { status: "miss" };
  const store: CacheStore = {
    layer: "entity",
    async get<T>(key: string) {
      calls.push(`get ${key}`);
      return read<T>(key);
    },
    async mget<T>(keys: readonly string[]) {
      calls.push(`mget ${keys.join(",")}`);
      return keys.map((key) => read<T>(key));
    },
    async set(key, value) {
      values.set(key, value);
      return true;
    },
    async mset(entries: readonly CacheEntry[]) {
      calls.push(`mset ${entries.map((entry) => entry.key).join(",")}`);
      for (const entry of entries) values.set(entry.key, entry.value);
      return true;
    },
    async del(key) {
      calls.push(`del ${key}`);
      return values.delete(key);
    },
    async purge(prefix) {
      calls.push(`purge ${prefix}`);
      return 0;
    },
    async purgeTags(tags) {
      calls.push(`purgeTags ${tags.join(",")}`);
      return 0;
    },
    async acquireLock(key) {
      calls.push(`lock ${key}`);
      return true;
    },
    async releaseLock(key) {
      calls.push(`unlock ${key}`);
    },
  };
  return { store, calls };
}

const entry = (key: string, value: unknown): CacheEntry => ({ key, value, ttlSeconds: 60 });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("writes behind the answer", () => {
  it("sends queued writes on the next turn of the event loop, not while the answer is still being made", async () => {
    const { store, calls } = recordingStore();
    const behind = writeBehind(store);
    const stored = behind.mset([entry("a", 1), entry("b", 2)]);
    await Promise.resolve();
    expect(calls).toEqual([]);
    await nextTurn();
    expect(calls).toEqual(["mset a,b"]);
    expect(await stored).toBe(true);
  });

  it("a lookup of a queued key sends the queue first and finds the value", async () => {
    const { store, calls } = recordingStore();
    const behind = writeBehind(store);
    void behind.mset([entry("a", 1)]);
    void behind.mset([entry("b", 2)]);
    expect(await behind.mget(["x", "b"])).toEqual([{ status: "miss" }, { status: "hit", value: 2 }]);
    expect(await behind.get("a")).toEqual({ status: "hit", value: 1 });
    expect(calls).toEqual(["mset a", "mset b", "mget x,b", "get a"]);
  });

  it("a lookup of other keys leaves the queue to its turn: the next step of a plan does not encode the last", async () => {
    const { store, calls } = recordingStore();
    const behind = writeBehind(store);
    void behind.mset([entry("@fetch:reporting:1", "root")]);
    expect(await behind.mget(["Commune:1", "Commune:2"])).toEqual([{ status: "miss" }, { status: "miss" }]);
    expect(calls).toEqual(["mget Commune:1,Commune:2"]);
    await nextTurn();
    expect(calls).toEqual(["mget Commune:1,Commune:2", "mset @fetch:reporting:1"]);
    // Once sent, the key is no longer queued: a later lookup of it does not send anything again.
    expect(await behind.get("@fetch:reporting:1")).toEqual({ status: "hit", value: "root" });
    expect(calls.filter((call) => call.startsWith("mset"))).toHaveLength(1);
  });

  it("purges, deletes and locks send every queued write first, whatever its key", async () => {
    for (const [name, operation] of [
      ["purge", (behind: CacheStore) => behind.purge("Commune:")],
      ["purgeTags", (behind: CacheStore) => behind.purgeTags(["province:40"])],
      ["del", (behind: CacheStore) => behind.del("other")],
      ["lock", (behind: CacheStore) => behind.acquireLock("other", 1000)],
    ] as const) {
      const { store, calls } = recordingStore();
      const behind = writeBehind(store);
      void behind.mset([entry("a", 1)]);
      await operation(behind);
      expect(calls[0], name).toBe("mset a");
      expect(calls).toHaveLength(2);
    }
  });
});
