import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { anonymous, createTestServer } from "../../support/responseCacheAndDedup.ts";

const alice: Caller = { sub: "alice", scopes: ["population:read"], province: "40", commune: null };
const bob: Caller = { ...alice, sub: "bob" };
const nationalAnalyst: Caller = { sub: "carol", scopes: ["population:read"], province: null, commune: null };

describe("response cache plugin", () => {
  let stop: () => Promise<void> = async () => {};
  afterEach(() => stop());

  function start(responseCache = true) {
    const testServer = createTestServer({ responseCache, dedup: false });
    stop = () => testServer.server.stop();
    return testServer;
  }

  it("serves a repeated query from the cache with x-cache HIT and the same result", async () => {
    const { run, executions } = start();
    const query = "query P($code: ID!) { province(code: $code) }";
    const first = await run(query, anonymous, { code: "40" });
    const second = await run(query, anonymous, { code: "40" });
    const other = await run(query, anonymous, { code: "01" });
    expect([first.xCache, second.xCache, other.xCache]).toEqual(["MISS", "HIT", "MISS"]);
    expect(second.result).toEqual(first.result);
    expect(second.outcomes.response).toBe("hit");
    expect(executions.province).toBe(2);
  });

  it("never answers one visibility class with another's cached response", async () => {
    const { run, executions } = start();
    await run('{ province(code: "40") }', alice);
    const national = await run('{ province(code: "40") }', nationalAnalyst);
    expect(national.xCache).toBe("MISS");
    expect(executions.province).toBe(2);
  });

  it("keeps PRIVATE responses under the caller's own identity", async () => {
    const { run, executions } = start();
    expect((await run("{ me }", alice)).xCache).toBe("MISS");
    const forBob = await run("{ me }", bob);
    expect(forBob).toMatchObject({ xCache: "MISS", result: { data: { me: "bob" } } });
    const aliceAgain = await run("{ me }", alice);
    expect(aliceAgain).toMatchObject({ xCache: "HIT", result: { data: { me: "alice" } } });
    expect(executions.me).toBe(2);
  });

  it("never caches PRIVATE responses of anonymous callers", async () => {
    const { run, executions } = start();
    await run("{ me }");
    expect((await run("{ me }")).xCache).toBe("MISS");
    expect(executions.me).toBe(2);
  });

  it("does not cache responses with errors, without a cache hint, or of mutations", async () => {
    const { run, executions } = start();
    await run("{ failing }");
    expect((await run("{ failing }")).xCache).toBe("MISS");
    await run("{ uncached }");
    expect((await run("{ uncached }")).xCache).toBe("MISS");
    const mutation = await run("mutation { bump }");
    expect(mutation.xCache).toBe("BYPASS");
    expect(executions).toMatchObject({ failing: 2, uncached: 2, bump: 1 });
  });

  it("says BYPASS and always executes when switched off", async () => {
    const { run, executions, metrics } = start(false);
    await run('{ province(code: "40") }');
    const second = await run('{ province(code: "40") }');
    expect(second.xCache).toBe("BYPASS");
    expect(executions.province).toBe(2);
    const { values } = await metrics.cacheLookups.get();
    expect(values).toEqual([
      expect.objectContaining({ labels: { layer: "response", result: "bypass" }, value: 2 }),
    ]);
  });
});
