import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { selfTimeByPackage, topSelfFrames } from "../../../bench/harness/cpuProfile.ts";

const dir = mkdtempSync(join(tmpdir(), "cpuprofile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function frame(id: number, functionName: string, url: string) {
  return { id, callFrame: { functionName, url, lineNumber: 9 } };
}

describe("CPU profile summary", () => {
  const path = join(dir, "test.cpuprofile");
  writeFileSync(
    path,
    JSON.stringify({
      nodes: [
        frame(1, "(garbage collector)", ""),
        frame(2, "applySelectionSet", "file:///x/node_modules/@apollo/gateway/dist/resultShaping.js"),
        frame(3, "lookup", "file:///work/main/gateway/cache/store.ts"),
        frame(4, "deepMerge", "file:///x/node_modules/@apollo/gateway/dist/utilities/deepMerge.js"),
      ],
      samples: [1, 2, 3, 3, 4],
      timeDeltas: [10, 20, 30, 30, 10],
    }),
  );

  it("ranks frames by their own sampled time, with file and line", () => {
    expect(topSelfFrames(path, 2)).toEqual([
      { frame: "lookup gateway/cache/store.ts:10", selfPercent: 60 },
      { frame: "applySelectionSet @apollo/gateway/dist/resultShaping.js:10", selfPercent: 20 },
    ]);
  });

  it("adds self time up per package or repository folder", () => {
    expect(selfTimeByPackage(path, 3)).toEqual([
      { frame: "gateway/cache", selfPercent: 60 },
      { frame: "@apollo/gateway", selfPercent: 30 },
      { frame: "(garbage collector)", selfPercent: 10 },
    ]);
  });
});
