import { setImmediate as nextTurn } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LoaderSpec } from "../../../subgraphs/kit/loaders.ts";
import { createPlatformBatcher } from "../../../subgraphs/kit/platformBatcher.ts";

// The batch window exists so that concurrent requests share a platform call. With early dispatch it is waited only
// while some other request could still add keys: a lone request (a cold dashboard's single `_entities` fetch) goes
// straight to the platform, and a request still at work keeps the batch open for its keys.

/** A window no test could sit out: a batch that goes out did so because nobody else could join. */
const FOREVER_MS = 60_000;

function recordingSpec() {
  const calls: string[][] = [];
  const spec: LoaderSpec<string> = {
    kind: "test.stats",
    ttlSeconds: 60,
    async fetchMany(keys) {
      calls.push([...keys]);
      return new Map(keys.map((key) => [key, `stats of ${key}`]));
    },
  };
  return { spec, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("platform batcher with early dispatch", () => {
  it("sends a lone request's keys at once instead of waiting the window", async () => {
    const { spec, calls } = recordingSpec();
    const request = createPlatformBatcher({ windowMs: FOREVER_MS, earlyDispatch: true }).openRequest();

    const records = await request.fetch(spec, "", ["40", "40001"]);

    expect(records.get("40001")).toBe("stats of 40001");
    expect(calls).toEqual([["40", "40001"]]);
  });

  it("holds the batch while another open request is still at work, then sends both requests' keys in one call", async () => {
    const { spec, calls } = recordingSpec();
    const batcher = createPlatformBatcher({ windowMs: FOREVER_MS, earlyDispatch: true });
    const province = batcher.openRequest();
    const communes = batcher.openRequest();

    const provinceRecords = province.fetch(spec, "", ["40"]);
    await nextTurn();
    expect(calls).toEqual([]);

    const communeRecords = communes.fetch(spec, "", ["40001", "40004"]);
    expect((await provinceRecords).get("40")).toBe("stats of 40");
    expect((await communeRecords).get("40004")).toBe("stats of 40004");
    expect(calls).toEqual([["40", "40001", "40004"]]);
  });

  it("sends the batch once the other open request is answered without asking anything", async () => {
    const { spec, calls } = recordingSpec();
    const batcher = createPlatformBatcher({ windowMs: FOREVER_MS, earlyDispatch: true });
    const asking = batcher.openRequest();
    const answeredFromCache = batcher.openRequest();

    const records = asking.fetch(spec, "", ["40"]);
    await nextTurn();
    expect(calls).toEqual([]);
    answeredFromCache.close();

    expect((await records).get("40")).toBe("stats of 40");
    expect(calls).toEqual([["40"]]);
  });

  it("counts a request whose call was answered as at work again, until it asks or is answered", async () => {
    const { spec, calls } = recordingSpec();
    const other: LoaderSpec<string> = { ...spec, kind: "test.other" };
    const batcher = createPlatformBatcher({ windowMs: FOREVER_MS, earlyDispatch: true });
    const first = batcher.openRequest();
    const second = batcher.openRequest();

    const otherRecords = first.fetch(other, "", ["a"]);
    const secondRecords = second.fetch(spec, "", ["b"]);
    await Promise.all([otherRecords, secondRecords]);
    expect(calls).toEqual([["a"], ["b"]]);

    // `second` is answered and at work again; `first` asks: it must wait for `second`, which then joins it.
    const firstRecords = first.fetch(spec, "", ["c"]);
    await nextTurn();
    expect(calls).toHaveLength(2);
    await Promise.all([firstRecords, second.fetch(spec, "", ["d"])]);
    expect(calls).toEqual([["a"], ["b"], ["c", "d"]]);
  });
});

describe("platform batcher without early dispatch", () => {
  it("waits the whole window even for a lone request, so a fetch sent a moment later still joins", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { spec, calls } = recordingSpec();
    const batcher = createPlatformBatcher({ windowMs: 3 });
    const province = batcher.openRequest();

    const provinceRecords = province.fetch(spec, "", ["40"]);
    await nextTurn();
    expect(calls).toEqual([]);
    const communeRecords = batcher.openRequest().fetch(spec, "", ["40001"]);
    await vi.advanceTimersByTimeAsync(3);

    await Promise.all([provinceRecords, communeRecords]);
    expect(calls).toEqual([["40", "40001"]]);
  });
});
