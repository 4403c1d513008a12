import { describe, expect, it } from "vitest";
import { createWriteWindow } from "../../../gateway/cacheStore/writeWindow.ts";

const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("cache writes wait for a quiet moment", () => {
  it("go out on the next immediate when no answer is being made", async () => {
    const window = createWriteWindow({ maxDelayMs: 10_000 });
    const sent: string[] = [];
    window.whenQuiet(() => sent.push("a"));
    expect(sent).toEqual([]);
    await turns(1);
    expect(sent).toEqual(["a"]);
  });

  it("wait while answers are being made, and go out once the last one is written", async () => {
    const window = createWriteWindow({ maxDelayMs: 10_000 });
    const sent: string[] = [];
    const first = window.open();
    const second = window.open();
    window.whenQuiet(() => sent.push("a"));
    window.whenQuiet(() => sent.push("b"));
    await turns(5);
    first();
    // Said twice (a response's "finish" and "close"), an answer still counts once.
    first();
    await turns(5);
    expect(sent).toEqual([]);
    second();
    expect(sent).toEqual([]);
    await turns(1);
    expect(sent).toEqual(["a", "b"]);
  });

  it("go out after the longest delay when answers never stop", async () => {
    const window = createWriteWindow({ maxDelayMs: 30 });
    const sent: number[] = [];
    const started = performance.now();
    const answering = window.open();
    window.whenQuiet(() => sent.push(performance.now() - started));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeGreaterThanOrEqual(29);
    answering();
    await turns(2);
    expect(sent).toHaveLength(1);
  });
});
