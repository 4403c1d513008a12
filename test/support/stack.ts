// The whole product in one process, wired like production: the sandbox, the four real subgraphs (record cache in
// the shared Redis) and gateways assembled as gateway/index.ts assembles them (cache layers, auth, rate limit), on
// free loopback ports, serving the checked-in supergraph with its subgraph URLs pointed at this run's ports.
// Every Redis key of a run lives under one unique prefix, removed on stop.
import { readFile } from "node:fs/promises";
import { createRedisClient, unlinkByPrefix } from "../../common/redis.ts";
import { signToken } from "../../gateway/authentication/signToken.ts";
import { redisConfig } from "../../gateway/cacheStore/config.ts";
import { createBusinessSubgraph } from "../../subgraphs/business/index.ts";
import type { SubgraphConfig, SubgraphName } from "../../subgraphs/kit/config.ts";
import type { SubgraphDeps, SubgraphServer } from "../../subgraphs/kit/server.ts";
import { createPopulationSubgraph } from "../../subgraphs/population/index.ts";
import { createProceduresSubgraph } from "../../subgraphs/procedures/index.ts";
import { createReportingSubgraph } from "../../subgraphs/reporting/index.ts";
import { redisConnected, startTestGateway } from "./gateway.ts";
import { assertRedisReachable, redisUrl, uniqueRedisPrefix } from "./index.ts";
import { startTestSandbox, type TestSandbox } from "./sandbox.ts";
import { type GraphQLResult, postGraphQL, startTestSubgraph, type TestSubgraph } from "./subgraph.ts";

export const STACK_CONTEXT_SECRET = "stack-suite-internal-context-secret";
export const STACK_JWT_SECRET = "stack-suite-jwt-secret-of-at-least-32-bytes";
export const STACK_OPS_TOKEN = "stack-suite-ops-token";

/**
 * The simulator builds a whole country's dossiers on the first national statistics request: seconds on a busy
 * 2-core machine, past the product's 5 s platform timeout. The tests are about our stack, not that one-off cost.
 */
export const SLOW_SIMULATOR_TIMEOUTS = { UPSTREAM_TIMEOUT_MS: "20000", SUBGRAPH_TIMEOUT_MS: "25000" };

export const SUBGRAPH_FACTORIES: Record<
  SubgraphName,
  (config: SubgraphConfig, deps: SubgraphDeps) => SubgraphServer
> = {
  population: createPopulationSubgraph,
  business: createBusinessSubgraph,
  procedures: createProceduresSubgraph,
  reporting: createReportingSubgraph,
};
export const SUBGRAPH_NAMES = Object.keys(SUBGRAPH_FACTORIES) as SubgraphName[];

/** The checked-in supergraph every stack gateway serves (its subgraph URLs overridden by `SUBGRAPH_URL_<NAME>`). */
export const SUPERGRAPH_PATH = new URL("../../schema/supergraph.graphql", import.meta.url).pathname;
const OPERATIONS_DIR = new URL("../../schema/operations/", import.meta.url);

export type OperationName = "ProvinceDashboard" | "CommunePortal" | "CitizenProfile" | "NationalOverview";

/** A client operation exactly as checked in under `schema/operations/`. */
export function readOperation(name: OperationName): Promise<string> {
  return readFile(new URL(`${name}.graphql`, OPERATIONS_DIR), "utf8");
}

/**
 * A commune of Nghệ An and the dossiers its citizens filed, as the sandbox has them: real variables for the
 * CommunePortal and CitizenProfile operations.
 */
export async function citizenDossiersOfACommune(
  sandbox: TestSandbox,
): Promise<{ commune: string; dossiers: { code: string; applicant: { kind: string; id: string } }[] }> {
  const communes = await sandbox.get<{ items: { code: string }[] }>("/reporting/v1/communes?provinces=40");
  const commune = communes.items[1]!.code;
  const listing = await sandbox.get<{ items: { code: string; applicant: { kind: string; id: string } }[] }>(
    `/procedures/v1/dossiers?commune=${commune}&limit=50`,
  );
  return { commune, dossiers: listing.items.filter((dossier) => dossier.applicant.kind === "CITIZEN") };
}

export interface StackGateway {
  /** `http://127.0.0.1:<port>`: /graphql, /ready (status only) and /ops/purge hang off it. */
  origin: string;
  /** The ops listener: /metrics, /ready with details, /ops/purge. */
  opsOrigin: string;
  /**
   * Where this gateway's caches and rate-limit counters live in Redis: another gateway given it as `REDIS_KEY_PREFIX`
   * shares them (a replica of the same deployment).
   */
  keyPrefix: string;
  /** POSTs `body` to /graphql as it is (a string as these exact bytes, anything else as JSON); the raw response. */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** POSTs an operation; `token` goes in as a bearer token. */
  query(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResult>;
  /** Empties the gateway's response and entity caches through `POST /ops/purge`. */
  purge(): Promise<void>;
  /** A metric of the gateway's /metrics text, summed over its series. */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Added to the environment of every gateway of the stack (`stack.gateway` and those of `startGateway`). */
  gatewayEnv?: Record<string, string>;
  /** Added to each subgraph's environment. */
  subgraphEnv?: Record<string, string>;
  /** Where every gateway and subgraph of the stack finds Redis (e.g. `REDIS_CLUSTER_NODES`); the shared one if absent. */
  redisEnv?: Record<string, string>;
}

export interface Stack {
  sandbox: TestSandbox;
  subgraphs: Record<SubgraphName, TestSubgraph>;
  /** The gateway started with the stack. */
  gateway: StackGateway;
  /**
   * Another gateway over the same subgraphs, with its own caches (a Redis namespace of its own) and `env` on top of
   * the stack's defaults and `gatewayEnv`; `SUBGRAPH_URL_<NAME>` in `env` reroutes one subgraph (e.g. through a
   * recorder).
   */
  startGateway(env?: Record<string, string>): Promise<StackGateway>;
  /** An HS256 bearer token the stack's gateways accept, made by the project's own signer. */
  token(claims: { scopes: string[]; province?: string; commune?: string; sub?: string }): Promise<string>;
  /** Stops one subgraph for good (its port stops answering); the rest of the stack keeps running. */
  stopSubgraph(name: SubgraphName): Promise<void>;
  /** Removes the subgraphs' cached platform records (this run's keys only). */
  flushRecordCaches(): Promise<void>;
  stop(): Promise<void>;
}

async function startGatewayOn(
  subgraphs: Record<SubgraphName, TestSubgraph>,
  redisEnv: Record<string, string>,
  keyPrefix: string,
  env: Record<string, string>,
): Promise<StackGateway> {
  const urls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, subgraphs[name].url]),
  );
  const { url, origin, opsOrigin, config, post, stop } = await startTestGateway({
    env: {
      OPS_PORT: "0",
      SUPERGRAPH_PATH,
      SUPERGRAPH_WATCH: "off",
      ...redisEnv,
      // Apart from everybody sharing the Redis; `env` may name another gateway's prefix to share its caches.
      REDIS_KEY_PREFIX: keyPrefix,
      INTERNAL_CONTEXT_SECRET: STACK_CONTEXT_SECRET,
      AUTH_JWT_SECRET: STACK_JWT_SECRET,
      OPS_TOKEN: STACK_OPS_TOKEN,
      SUBGRAPH_TIMEOUT_MS: SLOW_SIMULATOR_TIMEOUTS.SUBGRAPH_TIMEOUT_MS,
      LOG_LEVEL: "silent",
      ...urls,
      ...env,
    },
    waitForRedis: true,
  });
  return {
    origin,
    opsOrigin: opsOrigin!,
    keyPrefix: config.redis.keyPrefix,
    post,
    query: (query, variables, token) =>
      postGraphQL(url, { query, variables }, token ? { authorization: `Bearer ${token}` } : {}),
    async purge() {
      const response = await purgeThrough(origin, { scope: "all" });
      if (!response.ok) throw new Error(`purge: HTTP ${response.status} ${await response.text()}`);
    },
    async metric(name) {
      const text = await (await fetch(`${opsOrigin!}/metrics`)).text();
      let sum = 0;
      for (const line of text.split("\n")) {
        const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})? (\S+)$/.exec(line);
        if (match?.[1] === name) sum += Number(match[2]);
      }
      return sum;
    },
    stop,
  };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const redisEnv = options.redisEnv ?? { REDIS_URL: redisUrl() };
  if (!options.redisEnv) await assertRedisReachable();
  const prefix = uniqueRedisPrefix("stack");
  const sandbox = await startTestSandbox();
  const connection = redisConfig.parse(redisEnv).connection!;
  const cleaner = createRedisClient(connection, { commandTimeoutMs: 5000, connectTimeoutMs: 2000 });
  const subgraphs = {} as Record<SubgraphName, TestSubgraph>;
  const running = new Set<SubgraphName>();
  const gateways: StackGateway[] = [];
  let gatewayCount = 0;

  async function stopSubgraph(name: SubgraphName) {
    if (running.delete(name)) await subgraphs[name].stop();
  }

  async function stop() {
    for (const gateway of gateways) await gateway.stop();
    for (const name of SUBGRAPH_NAMES) await stopSubgraph(name);
    await sandbox.stop();
    await redisConnected(cleaner);
    await unlinkByPrefix(cleaner, prefix);
    await cleaner.quit();
  }

  try {
    await Promise.all(
      SUBGRAPH_NAMES.map(async (name) => {
        subgraphs[name] = await startTestSubgraph(name, SUBGRAPH_FACTORIES[name], {
          PLATFORM_BASE_URL: sandbox.url,
          ...redisEnv,
          REDIS_KEY_PREFIX: prefix,
          INTERNAL_CONTEXT_SECRET: STACK_CONTEXT_SECRET,
          UPSTREAM_TIMEOUT_MS: SLOW_SIMULATOR_TIMEOUTS.UPSTREAM_TIMEOUT_MS,
          ...options.subgraphEnv,
        });
        running.add(name);
      }),
    );
    const startGateway = async (env: Record<string, string> = {}) => {
      const gateway = await startGatewayOn(subgraphs, redisEnv, `${prefix}gateway${++gatewayCount}:`, {
        ...options.gatewayEnv,
        ...env,
      });
      gateways.push(gateway);
      return gateway;
    };
    const gateway = await startGateway();
    return {
      sandbox,
      subgraphs,
      gateway,
      startGateway,
      token: ({ sub = "stack-officer", ...claims }) =>
        signToken({ sub, ...claims }, { secret: STACK_JWT_SECRET, ttl: "10m" }),
      stopSubgraph,
      async flushRecordCaches() {
        await redisConnected(cleaner);
        await unlinkByPrefix(cleaner, `${prefix}record:`);
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/** `POST /ops/purge` on a gateway's origin with the stack's ops token. */
export function purgeThrough(origin: string, body: unknown): Promise<Response> {
  return fetch(`${origin}/ops/purge`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${STACK_OPS_TOKEN}` },
    body: JSON.stringify(body),
  });
}
