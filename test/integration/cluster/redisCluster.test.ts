// The whole stack on a real Redis Cluster (3 masters, a replica each): the in-process gateway of test/support/stack.ts
// and a second gateway process share its caches and rate limits, the subgraphs keep their records in it, and a master
// killed under load changes no answer.
import { type ChildProcess, spawn } from "node:child_process";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { untilStored } from "../../support/cacheWrites.ts";
import { freePort, metricValue, uniqueRedisPrefix } from "../../support/index.ts";
import {
  purgeThrough,
  readOperation,
  SLOW_SIMULATOR_TIMEOUTS,
  STACK_CONTEXT_SECRET,
  STACK_JWT_SECRET,
  STACK_OPS_TOKEN,
  type Stack,
  type StackGateway,
  SUBGRAPH_NAMES,
  startStack,
} from "../../support/stack.ts";
import { type GraphQLResult, postGraphQL } from "../../support/subgraph.ts";
import { type RedisCluster, startRedisCluster } from "./redisCluster.ts";

const NGHE_AN = { code: "40" };
/** Both gateways read and write the same entries: one deployment, two replicas. */
const SHARED_PREFIX = uniqueRedisPrefix("cluster-gateways");
const GATEWAY_ENV = {
  REDIS_KEY_PREFIX: SHARED_PREFIX,
  RATE_LIMIT_POINTS: "5",
  RATE_LIMIT_IOC_POINTS: "100000",
};

let cluster: RedisCluster;
let stack: Stack;
let second: { origin: string; process: ChildProcess };
/** IOC screens: the large budget, so only the rate-limit test ever meets the limit. */
let screen: string;

/** `gateway/index.ts` as its own process on the cluster, configured like the stack's gateway. */
async function startGatewayProcess(): Promise<{ origin: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/index.ts"], {
    env: {
      PATH: process.env.PATH,
      GATEWAY_PORT: String(port),
      SUPERGRAPH_WATCH: "off",
      INTERNAL_CONTEXT_SECRET: STACK_CONTEXT_SECRET,
      AUTH_JWT_SECRET: STACK_JWT_SECRET,
      OPS_TOKEN: STACK_OPS_TOKEN,
      SUBGRAPH_TIMEOUT_MS: SLOW_SIMULATOR_TIMEOUTS.SUBGRAPH_TIMEOUT_MS,
      LOG_LEVEL: "warn",
      ...cluster.env,
      ...GATEWAY_ENV,
      ...Object.fromEntries(
        SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, stack.subgraphs[name].url]),
      ),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 40_000;
  for (;;) {
    const ready = await fetch(`${origin}/ready`).catch(() => null);
    if (ready?.ok) return { origin, process: child };
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("the second gateway did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const ask = (origin: string, query: string, variables?: Record<string, unknown>, token?: string) =>
  postGraphQL(`${origin}/graphql`, { query, variables }, token ? { authorization: `Bearer ${token}` } : {});

/** One series of the gateway's /metrics (on its ops listener). */
async function gatewayMetric(gateway: StackGateway, series: string): Promise<number> {
  const text = await (await fetch(`${gateway.opsOrigin}/metrics`)).text();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Runs `attempt` up to five times, until `done` accepts its result; returns the last result. */
async function retried<T>(attempt: () => Promise<T>, done: (result: T) => boolean): Promise<T> {
  let result = await attempt();
  for (let i = 1; i < 5 && !done(result); i++) result = await attempt();
  return result;
}

const entityLookups = (result: string) =>
  `lienthong_gateway_cache_lookups_total{layer="entity",result="${result}"}`;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3, replicas: 1 });
  stack = await startStack({ redisEnv: cluster.env, gatewayEnv: GATEWAY_ENV });
  second = await startGatewayProcess();
  screen = await stack.token({
    scopes: ["ioc:dashboard", "population:read", "dossier:read"],
    province: "40",
  });
}, 120_000);

afterAll(async () => {
  second?.process.kill("SIGKILL");
  await stack?.stop().catch(() => {});
  await cluster?.stop();
});

describe("the stack on a Redis Cluster", () => {
  it("reports the cluster reachable on /ready", async () => {
    const readiness = await (await fetch(`${stack.gateway.opsOrigin}/ready`)).json();
    expect(readiness).toMatchObject({ status: "ready", checks: { redis: "ok" } });
  });

  it("caches a response once for both gateways: MISS on one, HIT on the other, same answer", async () => {
    const dashboard = await readOperation("ProvinceDashboard");
    const first = await stack.gateway.query(dashboard, NGHE_AN, screen);
    expect(first.errors).toBeUndefined();
    expect(first.headers.get("x-cache")).toBe("MISS");
    // The store write follows the answer (the client does not wait for it): once this gateway hits, it has landed.
    await untilStored(async () =>
      (await stack.gateway.query(dashboard, NGHE_AN, screen)).headers.get("x-cache"),
    );
    const fromOther = await ask(second.origin, dashboard, NGHE_AN, screen);
    expect(fromOther.headers.get("x-cache")).toBe("HIT");
    expect(fromOther.data).toEqual(first.data);
  });

  it("keeps entities and platform records in the cluster: a read of a province's communes spans slots", async () => {
    const dashboard = await readOperation("ProvinceDashboard");
    const entitiesOnly = await stack.startGateway({ ...GATEWAY_ENV, RESPONSE_CACHE: "off" });
    const uncached = await stack.startGateway({ RESPONSE_CACHE: "off", ENTITY_CACHE: "off" });
    const records = stack.subgraphs.population.deps.metrics.registry;
    const recordHits = () => metricValue(records, "lienthong_record_cache_lookups_total", { result: "hit" });
    const communes = await stack.sandbox.get<{ items: unknown[] }>("/reporting/v1/communes?provinces=01");

    await stack.sandbox.resetStats();
    const cold = await entitiesOnly.query(dashboard, { code: "01" }, screen);
    expect(cold.errors).toBeUndefined();
    const coldPlatformCalls = (await stack.sandbox.stats()).total;

    // A lookup slower than the store's 50 ms fails open, and this machine also runs the sandbox and the subgraphs on
    // the test's event loop: a few tries, each of which must answer right.
    const hitsOfOneRead = async () => {
      const before = await gatewayMetric(entitiesOnly, entityLookups("hit"));
      const warm = await entitiesOnly.query(dashboard, { code: "01" }, screen);
      expect(warm.data).toEqual(cold.data);
      return (await gatewayMetric(entitiesOnly, entityLookups("hit"))) - before;
    };
    expect(await retried(hitsOfOneRead, (hits) => hits >= communes.items.length)).toBeGreaterThanOrEqual(
      communes.items.length,
    );

    // The records the cold answer stored: the subgraphs answer from the cluster and ask the platforms less.
    const platformCallsOfOneRead = async () => {
      await stack.sandbox.resetStats();
      const hitsBefore = await recordHits();
      const answer = await uncached.query(dashboard, { code: "01" }, screen);
      expect(answer.data).toEqual(cold.data);
      return { calls: (await stack.sandbox.stats()).total, hits: (await recordHits()) - hitsBefore };
    };
    const warm = await retried(platformCallsOfOneRead, ({ calls }) => calls < coldPlatformCalls);
    expect(warm.calls).toBeLessThan(coldPlatformCalls);
    expect(warm.hits).toBeGreaterThanOrEqual(communes.items.length);
  });

  it("purges on one gateway what the other would have served", async () => {
    const portal = await readOperation("ProvinceDashboard");
    await stack.gateway.query(portal, NGHE_AN, screen);
    expect((await stack.gateway.query(portal, NGHE_AN, screen)).headers.get("x-cache")).toBe("HIT");

    const purge = await purgeThrough(second.origin, { scope: "all" });
    expect(purge.status).toBe(200);
    const { purged } = (await purge.json()) as { purged: { response: number; entity: number } };
    expect(purged.response).toBeGreaterThan(0);
    expect(purged.entity).toBeGreaterThan(0);

    expect((await stack.gateway.query(portal, NGHE_AN, screen)).headers.get("x-cache")).toBe("MISS");
  });

  it("purges by tag on one gateway what both would have served, with tag sets spread over the masters", async () => {
    const dashboard = await readOperation("ProvinceDashboard");
    await untilStored(async () =>
      (await stack.gateway.query(dashboard, NGHE_AN, screen)).headers.get("x-cache"),
    );
    const purge = await purgeThrough(second.origin, { tags: ["province:40"] });
    expect(purge.status).toBe(200);
    const { purged } = (await purge.json()) as { purged: { response: number; entity: number } };
    expect(purged.response).toBe(1);
    expect(purged.entity).toBeGreaterThanOrEqual(1);
    expect((await ask(second.origin, dashboard, NGHE_AN, screen)).headers.get("x-cache")).toBe("MISS");
  });

  it("shares one caller's rate limit between the two gateways", async () => {
    const officer = await stack.token({ scopes: ["population:read"], sub: "cluster-rate-limited" });
    const remaining: string[] = [];
    for (const origin of [
      stack.gateway.origin,
      stack.gateway.origin,
      second.origin,
      second.origin,
      stack.gateway.origin,
    ]) {
      const answer = await ask(origin, "{ __typename }", undefined, officer);
      expect(answer.status).toBe(200);
      remaining.push(answer.headers.get("ratelimit") ?? "");
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0].map((left) => expect.stringContaining(`r=${left};`)));
    const refused = await ask(second.origin, "{ __typename }", undefined, officer);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
  });

  it("answers every request right while a master is killed and its replica takes over", async () => {
    const communes = await stack.sandbox.get<{ items: { code: string }[] }>(
      "/reporting/v1/communes?provinces=40",
    );
    const dossiers = await stack.sandbox.get<{
      items: { code: string; applicant: { kind: string; id: string } }[];
    }>(`/procedures/v1/dossiers?commune=${communes.items[1]!.code}&limit=50`);
    const filed = dossiers.items.find((dossier) => dossier.applicant.kind === "CITIZEN")!;
    const [dashboard, portal, profile] = await Promise.all([
      readOperation("ProvinceDashboard"),
      readOperation("CommunePortal"),
      readOperation("CitizenProfile"),
    ]);
    const cases: [string, Record<string, unknown>][] = [
      [dashboard, NGHE_AN],
      [profile, { id: filed.applicant.id }],
      ...communes.items
        .slice(0, 6)
        .map((commune): [string, Record<string, unknown>] => [
          portal,
          { commune: commune.code, dossier: filed.code },
        ]),
    ];
    // Expected answers from a gateway without caches of its own, before anything fails.
    const reference = await stack.startGateway({
      RESPONSE_CACHE: "off",
      ENTITY_CACHE: "off",
      APQ_CACHE: "off",
    });
    const expected = await Promise.all(
      cases.map(([query, variables]) => reference.query(query, variables, screen)),
    );
    for (const answer of expected) expect(answer.errors).toBeUndefined();

    // Both replicas, and one that reads entities from the cluster on every request.
    const entitiesOnly = await stack.startGateway({ ...GATEWAY_ENV, RESPONSE_CACHE: "off" });
    const origins = [stack.gateway.origin, second.origin, entitiesOnly.origin];
    const tally = { answers: 0, errors: 0, wrong: 0 };
    /** The first few distinct failures, so a red run says what went wrong. */
    const failures = new Set<string>();
    const failed = (what: string) => {
      tally.errors += 1;
      if (failures.size < 5) failures.add(what);
    };
    let loading = true;
    const worker = async (offset: number) => {
      for (let i = offset; loading; i++) {
        const index = i % cases.length;
        const [query, variables] = cases[index]!;
        let answer: GraphQLResult;
        try {
          answer = await ask(origins[i % origins.length]!, query, variables, screen);
        } catch (error) {
          failed(`no answer: ${(error as Error).message}`);
          continue;
        }
        tally.answers += 1;
        if (answer.status !== 200 || answer.errors)
          failed(
            `HTTP ${answer.status}: ${JSON.stringify(answer.errors?.map((e) => [e.message, e.extensions?.code]))}`,
          );
        else if (!isDeepStrictEqual(answer.data, expected[index]!.data)) tally.wrong += 1;
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, (_, offset) => worker(offset)));

    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [victim] = await cluster.masterPorts();
    cluster.kill(victim!);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    loading = false;
    await load;
    console.info(`failover under load: ${JSON.stringify(tally)}`);
    expect(tally.answers).toBeGreaterThan(50);
    expect(tally.wrong).toBe(0);
    expect([...failures]).toEqual([]);

    // The replica took over: the cluster is whole again and the caches serve from it.
    await cluster.waitUntilHealthy();
    expect(await cluster.masterPorts()).not.toContain(victim);
    const readiness = async () =>
      (await (await fetch(`${stack.gateway.opsOrigin}/ready`)).json()).checks.redis;
    const deadline = Date.now() + 15_000;
    while ((await readiness()) !== "ok" && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(await readiness()).toBe("ok");
    await untilStored(async () =>
      (await stack.gateway.query(portal, cases[2]![1], screen)).headers.get("x-cache"),
    );
    const again = await ask(second.origin, portal, cases[2]![1], screen);
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect(again.data).toEqual(expected[2]!.data);
  });
});
