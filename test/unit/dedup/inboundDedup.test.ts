import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { anonymous, createTestServer } from "../../support/responseCacheAndDedup.ts";

const alice: Caller = { sub: "alice", scopes: ["population:read"], province: "40", commune: null };
const bob: Caller = { ...alice, sub: "bob" };

describe("inbound deduplication plugin", () => {
  let stop: () => Promise<void> = async () => {};
  afterEach(() => stop());

  function start() {
    const testServer = createTestServer({ responseCache: false, dedup: true, delayMs: 50 });
    stop = () => testServer.server.stop();
    return testServer;
  }

  it("runs 50 concurrent identical queries once and gives every caller the result", async () => {
    const { run, executions, metrics } = start();
    const query = 'query P { province(code: "40") }';
    const responses = await Promise.all(Array.from({ length: 50 }, () => run(query)));
    expect(executions.province).toBe(1);
    for (const response of responses) expect(response.result).toEqual({ data: { province: "province 40" } });
    expect((await metrics.dedupJoins.get()).values[0]?.value).toBe(49);
    expect(responses.filter((response) => response.outcomes.dedup === "hit")).toHaveLength(49);
  });

  it("runs again once the first execution is over", async () => {
    const { run, executions } = start();
    await run('{ province(code: "40") }');
    await run('{ province(code: "40") }');
    expect(executions.province).toBe(2);
  });

  it("never shares across visibility classes or different variables", async () => {
    const { run, executions } = start();
    const query = "query P($code: ID!) { province(code: $code) }";
    await Promise.all([
      run(query, anonymous, { code: "40" }),
      run(query, alice, { code: "40" }),
      run(query, anonymous, { code: "01" }),
    ]);
    expect(executions.province).toBe(3);
  });

  it("does not hand one caller's PRIVATE answer to another caller of the same class", async () => {
    const { run, executions } = start();
    const [forAlice, forBob, aliceAgain] = await Promise.all([
      run("{ me }", alice),
      run("{ me }", bob),
      run("{ me }", alice),
    ]);
    expect(forAlice.result.data).toEqual({ me: "alice" });
    expect(forBob.result.data).toEqual({ me: "bob" });
    expect(aliceAgain.result.data).toEqual({ me: "alice" });
    expect(executions.me).toBe(2);
  });

  it("does not hand an answer with errors to another caller of the same class", async () => {
    const { run, executions } = start();
    const [forAlice, forBob] = await Promise.all([
      run("{ failing }", alice),
      run("{ failing }", bob),
      run("{ failing }", alice),
    ]);
    expect(forAlice.result.errors).toHaveLength(1);
    expect(forBob.result.errors).toHaveLength(1);
    expect(executions.failing).toBe(2);
  });

  it("does not share PRIVATE answers between anonymous callers, who cannot be told apart", async () => {
    const { run, executions } = start();
    await Promise.all([run("{ me }"), run("{ me }")]);
    expect(executions.me).toBe(2);
  });

  it("never deduplicates mutations", async () => {
    const { run, executions } = start();
    await Promise.all(Array.from({ length: 5 }, () => run("mutation { bump }")));
    expect(executions.bump).toBe(5);
  });
});
