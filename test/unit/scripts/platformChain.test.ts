import { describe, expect, it } from "vitest";
import { slowestChain } from "../../../scripts/platformChain.ts";

const call = (endpoint: string, startMs: number, endMs: number) => ({ endpoint, startMs, endMs });

describe("slowestChain", () => {
  it("follows calls that waited on each other and sums only their durations", () => {
    const province = call("provinces", 1, 7);
    const communes = call("communes", 8, 14);
    const stats = call("stats", 20, 26);
    const chain = slowestChain([
      stats,
      call("task-progress", 1, 6),
      communes,
      province,
      call("deployments", 9, 15),
    ]);
    expect(chain.calls).toEqual([province, communes, stats]);
    expect(chain.waitMs).toBe(18);
  });

  it("counts overlapping calls once: the longer of them", () => {
    const chain = slowestChain([call("a", 0, 5), call("b", 1, 9), call("c", 4, 6)]);
    expect(chain).toEqual({ calls: [call("b", 1, 9)], waitMs: 8 });
  });

  it("is empty without calls", () => {
    expect(slowestChain([])).toEqual({ calls: [], waitMs: 0 });
  });
});
