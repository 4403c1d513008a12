import { describe, expect, it } from "vitest";
import { badUserInput } from "../../../common/errors.ts";
import {
  createInflightFetches,
  createLoaderRegistry,
  type LoaderSpec,
} from "../../../subgraphs/kit/loaders.ts";
import { createLogger } from "../../../subgraphs/kit/logger.ts";
import { createSubgraphMetrics } from "../../../subgraphs/kit/metrics.ts";
import { createPlatformBatcher } from "../../../subgraphs/kit/platformBatcher.ts";
import { createRecordCache, type RecordCache } from "../../../subgraphs/kit/recordCache.ts";
import { metricValue } from "../../support/index.ts";

interface Rec {
  id: string;
}

/**
 * A spec over a fake platform that knows every key except those starting with "x", recording each call. Like the
 * platforms, it refuses a whole call (400, BAD_USER_INPUT naming the key) when any key starts with "bad".
 */
function fakeSpec(options: { delayMs?: number; fail?: boolean } = {}) {
  const calls: string[][] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const spec: LoaderSpec<Rec> = {
    kind: "test.rec",
    ttlSeconds: 60,
    async fetchMany(keys) {
      calls.push([...keys]);
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
      concurrent--;
      if (options.fail) throw new Error("platform down");
      const refused = keys.find((k) => k.startsWith("bad"));
      if (refused) throw badUserInput(`ids: '${refused}' is not an id`);
      return new Map(keys.filter((k) => !k.startsWith("x")).map((k) => [k, { id: k }]));
    },
  };
  return { spec, calls, maxConcurrent: () => maxConcurrent };
}

function setup(cache?: RecordCache, batchWindowMs = 0) {
  const metrics = createSubgraphMetrics("test");
  const recordCache =
    cache ?? createRecordCache({ maxEntries: 10_000, metrics, logger: createLogger("test", "silent") });
  const inflight = createInflightFetches();
  const batcher = createPlatformBatcher({ windowMs: batchWindowMs });
  return {
    metrics,
    cache: recordCache,
    newRequest: () => createLoaderRegistry({ cache: recordCache, metrics, inflight, batcher }),
  };
}

describe("loader registry", () => {
  it("batches the loads of one tick into one fetch, in key order, with null for unknown keys", async () => {
    const { spec, calls } = fakeSpec();
    const loaders = setup().newRequest();
    const results = await Promise.all([
      loaders.load(spec, "b"),
      loaders.load(spec, "x1"),
      loaders.load(spec, "a"),
    ]);
    expect(results).toEqual([{ id: "b" }, null, { id: "a" }]);
    expect(calls).toEqual([["b", "x1", "a"]]);
  });

  it("keeps variants apart", async () => {
    const { spec, calls } = fakeSpec();
    const loaders = setup().newRequest();
    await Promise.all([loaders.load(spec, "a", "2024"), loaders.load(spec, "a", "2025")]);
    expect(calls).toEqual([["a"], ["a"]]);
  });

  it("splits more than 500 misses into parallel chunks of at most 500", async () => {
    const { spec, calls, maxConcurrent } = fakeSpec({ delayMs: 20 });
    const keys = Array.from({ length: 1200 }, (_, i) => `k${i}`);
    const results = await setup().newRequest().loadMany(spec, keys);
    expect(results.every((r, i) => r?.id === keys[i])).toBe(true);
    expect(calls.map((c) => c.length)).toEqual([500, 500, 200]);
    expect(maxConcurrent()).toBe(3);
  });

  it("serves a later request from the record cache and fetches only the misses", async () => {
    const { spec, calls } = fakeSpec();
    const { newRequest, metrics } = setup();
    await newRequest().loadMany(spec, ["a", "b"]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await newRequest().loadMany(spec, ["a", "b", "c"]);
    expect(again).toEqual([{ id: "a" }, { id: "b" }, { id: "c" }]);
    expect(calls).toEqual([["a", "b"], ["c"]]);
    expect(
      await metricValue(metrics.registry, "lienthong_record_cache_lookups_total", {
        kind: "test.rec",
        result: "hit",
      }),
    ).toBe(2);
  });

  it("answers the loads before writing their records to the cache", async () => {
    const { spec, calls } = fakeSpec();
    const events: string[] = [];
    const { cache, newRequest } = setup();
    const writing: RecordCache = {
      mget: (keys) => cache.mget(keys),
      async mset(entries, ttlSeconds) {
        events.push(`mset ${entries.length}`);
        await cache.mset(entries, ttlSeconds);
      },
    };
    const loaded = await setup(writing).newRequest().loadMany(spec, ["a", "b"]);
    events.push(`loaded ${loaded.length}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(events).toEqual(["loaded 2", "mset 2"]);
    // The deferred write still lands: a later request fetches nothing.
    expect(await newRequest().loadMany(spec, ["a", "b"])).toEqual([{ id: "a" }, { id: "b" }]);
    expect(calls).toEqual([["a", "b"]]);
  });

  it("coalesces concurrent misses of two requests into one platform fetch", async () => {
    const { spec, calls } = fakeSpec({ delayMs: 30 });
    const { newRequest } = setup();
    const [first, second] = await Promise.all([
      newRequest().loadMany(spec, ["a", "b"]),
      newRequest().loadMany(spec, ["b", "a"]),
    ]);
    expect(first).toEqual([{ id: "a" }, { id: "b" }]);
    expect(second).toEqual([{ id: "b" }, { id: "a" }]);
    expect(calls).toEqual([["a", "b"]]);
  });

  it("rejects the loads of a failed fetch and caches nothing from it", async () => {
    const failing = fakeSpec({ fail: true });
    const { newRequest } = setup();
    await expect(newRequest().load(failing.spec, "a")).rejects.toThrow("platform down");
    const working = fakeSpec();
    await expect(newRequest().load(working.spec, "a")).resolves.toEqual({ id: "a" });
    expect(working.calls).toEqual([["a"]]);
  });

  it("records the batch size per kind", async () => {
    const { spec } = fakeSpec();
    const { newRequest, metrics } = setup();
    await newRequest().loadMany(spec, ["a", "b", "c"]);
    expect(await metricValue(metrics.registry, "lienthong_loader_batch_size_sum", { kind: "test.rec" })).toBe(
      3,
    );
  });

  it("merges the misses of concurrent requests within the batch window into one platform call", async () => {
    const { spec, calls } = fakeSpec();
    const { newRequest } = setup(undefined, 20);
    // The dashboard's Province and its Communes reach a subgraph as two requests at (almost) the same time.
    const [province, communes] = await Promise.all([
      newRequest().load(spec, "40"),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return newRequest().loadMany(spec, ["40001", "x9", "40004"]);
      })(),
    ]);
    expect(province).toEqual({ id: "40" });
    expect(communes).toEqual([{ id: "40001" }, null, { id: "40004" }]);
    expect(calls).toEqual([["40", "40001", "x9", "40004"]]);
  });

  it("without a batch window sends each request's misses on their own", async () => {
    const { spec, calls } = fakeSpec();
    const { newRequest } = setup();
    await Promise.all([newRequest().load(spec, "40"), newRequest().load(spec, "40001")]);
    expect(calls).toEqual([["40"], ["40001"]]);
  });

  it("never fails a request for another's key merged into the same platform call", async () => {
    const { spec, calls } = fakeSpec();
    const { newRequest } = setup(undefined, 20);
    const [good, bad] = await Promise.allSettled([
      newRequest().loadMany(spec, ["40001", "40004"]),
      newRequest().load(spec, "bad-1"),
    ]);
    expect(good).toEqual({ status: "fulfilled", value: [{ id: "40001" }, { id: "40004" }] });
    expect(bad).toMatchObject({ status: "rejected", reason: { message: "ids: 'bad-1' is not an id" } });
    // The merged call, then each request's own keys on their own.
    expect(calls).toEqual([["40001", "40004", "bad-1"], ["40001", "40004"], ["bad-1"]]);

    // A failure that is not about the keys (the platform down) is everybody's, and not asked again.
    const down = fakeSpec({ fail: true });
    const failed = await Promise.allSettled([
      newRequest().load(down.spec, "a"),
      newRequest().load(down.spec, "b"),
    ]);
    expect(failed.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(down.calls).toEqual([["a", "b"]]);
  });

  it("never fails a request that joined another's in-flight fetch of a key when that fetch was refused", async () => {
    const { spec, calls } = fakeSpec({ delayMs: 30 });
    const { newRequest } = setup();
    const first = newRequest().loadMany(spec, ["a", "bad-1"]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = newRequest().load(spec, "a");
    const [refused, joined] = await Promise.allSettled([first, second]);
    // The first request's own mistake is its own…
    expect(refused).toMatchObject({ status: "rejected", reason: { message: "ids: 'bad-1' is not an id" } });
    // …the second, which only shared the fetch of "a", asks for it again and gets it.
    expect(joined).toEqual({ status: "fulfilled", value: { id: "a" } });
    expect(calls).toEqual([["a", "bad-1"], ["a"]]);
  });
});
