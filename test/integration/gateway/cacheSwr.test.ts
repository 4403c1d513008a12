// Stale-while-revalidate over the whole stack, on two gateway processes sharing Redis: past freshness, within the
// window, both serve the stale answer at once (Age, max-age=0, stale-while-revalidate) on either path (HTTP edge, GET
// through Apollo Server) to every request, while exactly one background refresh runs across both, and then both
// answer fresh; past the window
// it is a miss; a PRIVATE answer is never served stale nor to anybody else; and the answers are the same with every
// cache layer off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { untilStored } from "../../support/cacheWrites.ts";
import { citizenDossiersOfACommune, readOperation, type Stack, startStack } from "../../support/stack.ts";
import { type StackRecorders, startStackRecorders } from "../../support/subgraphRecorder.ts";
import { type GatewayProcess, startGatewayProcess } from "./gatewayProcess.fixture.ts";

// Short, so entries go stale within the test; long enough that a loaded machine still answers a second request fresh.
const MAX_AGE_SECONDS = 3;
const WINDOW_SECONDS = 5;
const NGHE_AN = { code: "40" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  xCache: string | null;
  cacheControl: string | null;
  age: number | null;
  body: { data?: unknown; errors?: unknown };
}

async function answer(response: Response): Promise<Answer> {
  const age = response.headers.get("age");
  return {
    status: response.status,
    xCache: response.headers.get("x-cache"),
    cacheControl: response.headers.get("cache-control"),
    age: age === null ? null : Number(age),
    body: (await response.json()) as Answer["body"],
  };
}

describe("stale-while-revalidate on two gateway processes sharing Redis", () => {
  let stack: Stack;
  let recording: StackRecorders;
  let replicas: GatewayProcess[];
  let dashboard: string;

  beforeAll(async () => {
    stack = await startStack();
    recording = await startStackRecorders(stack.subgraphs);
    // Under the stack's prefix (removed when it stops), apart from the stack's own gateway.
    const keyPrefix = `${stack.gateway.keyPrefix}swr-replicas:`;
    const env = {
      ...recording.gatewayEnv,
      CACHE_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
      CACHE_STALE_WHILE_REVALIDATE_SECONDS: String(WINDOW_SECONDS),
      // A slow Redis read counts as a miss by design; on a loaded machine that would look like a second refresh.
      REDIS_COMMAND_TIMEOUT_MS: "3000",
    };
    replicas = await Promise.all([startGatewayProcess(keyPrefix, env), startGatewayProcess(keyPrefix, env)]);
    dashboard = await readOperation("ProvinceDashboard");
  }, 240_000);

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.stop()));
    await recording?.stop();
    await stack?.stop();
  });

  const fetchCount = () => Object.values(recording.recorders).reduce((sum, r) => sum + r.fetches.length, 0);
  const askDashboard = (replica: GatewayProcess) =>
    replica.post({ query: dashboard, variables: NGHE_AN }).then(answer);
  const getDashboard = (replica: GatewayProcess) =>
    fetch(
      `${replica.origin}/graphql?query=${encodeURIComponent(dashboard)}&variables=${encodeURIComponent(JSON.stringify(NGHE_AN))}`,
      // A non-simple header: Apollo Server's CSRF prevention refuses GETs without one.
      { headers: { "apollo-require-preflight": "true" } },
    ).then(answer);

  it("serves the stale dashboard at once on both, refreshes it exactly once, then answers fresh; past the window it is a miss", async () => {
    const [first, second] = replicas as [GatewayProcess, GatewayProcess];
    recording.clear();
    const cold = await askDashboard(first);
    expect(cold.body.errors).toBeUndefined();
    expect(cold.xCache).toBe("MISS");
    expect(cold.cacheControl).toBe(
      `max-age=${MAX_AGE_SECONDS}, stale-while-revalidate=${WINDOW_SECONDS}, public`,
    );
    const oneExecution = fetchCount();
    expect(oneExecution).toBeGreaterThan(0);
    // Entries are written after the answer: once the writer itself hits, the other replica's answer shows sharing.
    await untilStored(async () => (await askDashboard(first)).xCache);
    const replicaHit = await askDashboard(second);
    expect(replicaHit.xCache).toBe("HIT");
    expect(replicaHit.body).toEqual(cold.body);

    // Past freshness, well within the window: a burst on both processes, on both paths.
    await sleep(MAX_AGE_SECONDS * 1000 + 500);
    const revalidationsBefore = await Promise.all(
      replicas.map((replica) =>
        replica.metric("lienthong_gateway_cache_revalidations_total", 'layer="response"'),
      ),
    );
    recording.clear();
    const burst = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const replica = replicas[i % 2]!;
        return i % 4 === 3 ? getDashboard(replica) : askDashboard(replica);
      }),
    );
    for (const served of burst) {
      expect(served.status).toBe(200);
      expect(served.body).toEqual(cold.body);
    }
    // Nobody waited for the refresh, not even the request that won its lock: none of the burst executed.
    expect(burst.map((served) => served.xCache)).toEqual(burst.map(() => "HIT"));
    const stale = burst.filter((served) => served.xCache === "HIT" && (served.age ?? 0) >= MAX_AGE_SECONDS);
    expect(stale.length).toBeGreaterThan(0);
    for (const served of stale) {
      expect(served.cacheControl).toMatch(/^max-age=0, stale-while-revalidate=\d+, public$/);
    }
    // The stale GETs went through Apollo Server, not the edge: the same headers.
    const staleGets = burst.filter((served, i) => i % 4 === 3 && stale.includes(served));
    expect(staleGets.length).toBeGreaterThan(0);

    // Until the refresh is stored, answers stay stale; then both are fresh, and the refresh was the only execution.
    let fresh: Answer | null = null;
    for (let attempt = 0; attempt < 100 && !fresh; attempt++) {
      const polled = await askDashboard(replicas[attempt % 2]!);
      if (polled.xCache === "HIT" && polled.cacheControl?.startsWith("max-age=0") === false) fresh = polled;
      else await sleep(50);
    }
    expect(fresh).not.toBeNull();
    expect(fresh!.age).toBeLessThan(MAX_AGE_SECONDS);
    expect(fresh!.body).toEqual(cold.body);
    expect(fetchCount()).toBe(oneExecution);
    const revalidationsAfter = await Promise.all(
      replicas.map((replica) =>
        replica.metric("lienthong_gateway_cache_revalidations_total", 'layer="response"'),
      ),
    );
    expect(
      revalidationsAfter[0]! + revalidationsAfter[1]! - revalidationsBefore[0]! - revalidationsBefore[1]!,
    ).toBe(1);

    // Nobody asks until freshness and the window have both passed: then it is a plain miss, executed again.
    await sleep((MAX_AGE_SECONDS + WINDOW_SECONDS) * 1000 + 1000);
    recording.clear();
    const expired = await askDashboard(second);
    expect(expired.xCache).toBe("MISS");
    expect(expired.body).toEqual(cold.body);
    expect(fetchCount()).toBeGreaterThan(0);
  }, 120_000);

  it("never serves a PRIVATE dossier stale, nor to another officer", async () => {
    const [first, second] = replicas as [GatewayProcess, GatewayProcess];
    const profile = await readOperation("CitizenProfile");
    const { dossiers } = await citizenDossiersOfACommune(stack.sandbox);
    const variables = { id: dossiers[0]!.applicant.id };
    const scopes = ["population:read", "dossier:read"];
    const officer = await stack.token({ scopes, province: "40", sub: "officer-a" });
    const colleague = await stack.token({ scopes, province: "40", sub: "officer-b" });
    const ask = (replica: GatewayProcess, token: string) =>
      replica.post({ query: profile, variables }, { authorization: `Bearer ${token}` }).then(answer);

    const own = await ask(first, officer);
    expect(own.body.errors).toBeUndefined();
    expect(own.cacheControl).toBe("no-store");
    await untilStored(async () => (await ask(first, officer)).xCache);
    expect((await ask(second, officer)).xCache).toBe("HIT");
    // Another caller of the same visibility class never gets the first one's stored answer.
    expect((await ask(second, colleague)).xCache).toBe("MISS");

    await sleep(MAX_AGE_SECONDS * 1000 + 500);
    // Within what would be the window of a PUBLIC answer: executed again, for either officer, on either process.
    for (const [replica, token] of [
      [second, officer],
      [first, colleague],
    ] as const) {
      const again = await ask(replica, token);
      expect(again.xCache).toBe("MISS");
      expect(again.cacheControl).toBe("no-store");
      expect(again.body).toEqual(own.body);
    }
  }, 120_000);

  it("answers the four canonical operations the same with every gateway cache layer on and off", async () => {
    const uncached = await stack.startGateway({
      APQ_CACHE: "off",
      RESPONSE_CACHE: "off",
      FETCH_CACHE: "off",
      DEDUP: "off",
    });
    const { commune, dossiers } = await citizenDossiersOfACommune(stack.sandbox);
    const filed = dossiers[0]!;
    const officer = await stack.token({ scopes: ["population:read", "dossier:read"], province: "40" });
    const cases: [string, Record<string, unknown>, string | undefined][] = [
      [await readOperation("NationalOverview"), {}, undefined],
      [dashboard, NGHE_AN, undefined],
      [await readOperation("CommunePortal"), { commune, dossier: filed.code }, undefined],
      [await readOperation("CitizenProfile"), { id: filed.applicant.id }, officer],
    ];
    for (const [query, variables, token] of cases) {
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const direct = await uncached.post({ query, variables }, headers);
      const directBody = await direct.json();
      expect(directBody.errors).toBeUndefined();
      expect(direct.headers.get("x-cache")).toBe("BYPASS");
      // Twice through a cached replica, so the second answer comes out of its caches (fresh or stale).
      for (const replica of replicas) {
        const cached = await answer(await replica.post({ query, variables }, headers));
        expect(cached.body).toEqual(directBody);
      }
    }
  }, 180_000);
});
