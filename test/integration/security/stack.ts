// The whole product in one test process: sandbox, the four real subgraphs, and gateways on free loopback ports,
// with a supergraph composed from the subgraphs' own schema files and their actual URLs.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { signToken } from "../../../gateway/authentication/signToken.ts";
import { DEFAULT_CONFIG } from "../../../sandbox/config.ts";
import { createSandbox } from "../../../sandbox/server.ts";
import { createBusinessSubgraph } from "../../../subgraphs/business/index.ts";
import type { SubgraphConfig } from "../../../subgraphs/kit/config.ts";
import { loadSubgraphConfig, type SubgraphName } from "../../../subgraphs/kit/config.ts";
import { createSubgraphDeps, type SubgraphRuntime } from "../../../subgraphs/kit/runtime.ts";
import type { SubgraphDeps, SubgraphServer } from "../../../subgraphs/kit/server.ts";
import { createPopulationSubgraph } from "../../../subgraphs/population/index.ts";
import { createProceduresSubgraph } from "../../../subgraphs/procedures/index.ts";
import { createReportingSubgraph } from "../../../subgraphs/reporting/index.ts";
import { LogCapture, startTestGateway } from "../../support/gateway.ts";
import { redisUrl, uniqueRedisPrefix } from "../../support/index.ts";

export const CONTEXT_SECRET = "security-suite-internal-context-secret";
export const JWT_SECRET = "security-suite-jwt-secret-of-32-bytes-at-least";
export const ISSUER = "lienthong-test-idp";
export const AUDIENCE = "lienthong-gateway";

const FACTORIES: Record<SubgraphName, (config: SubgraphConfig, deps: SubgraphDeps) => SubgraphServer> = {
  population: createPopulationSubgraph,
  business: createBusinessSubgraph,
  procedures: createProceduresSubgraph,
  reporting: createReportingSubgraph,
};

export interface Tokens {
  sign(
    claims: { sub?: string; scopes: string[]; province?: string; commune?: string },
    ttl?: string | number,
  ): Promise<string>;
}

export const tokens: Tokens = {
  sign: (claims, ttl = "10m") =>
    signToken(
      { sub: claims.sub ?? `officer-${Math.random().toString(36).slice(2, 10)}`, ...claims },
      { secret: JWT_SECRET, ttl, issuer: ISSUER, audience: AUDIENCE },
    ),
};

export interface RunningGateway {
  url: string;
  /** The ops listener's origin when started with OPS_PORT, else null. */
  opsUrl: string | null;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export interface SecurityStack {
  sandboxUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** A gateway wired like production (auth, rate limit, response cache, dedup) with extra environment. */
  startGateway(env?: Record<string, string>): Promise<RunningGateway>;
  /** Every log line any component of the stack wrote (the gateways' pino output). */
  gatewayLogs: string[];
  stop(): Promise<void>;
}

export async function startSecurityStack(): Promise<SecurityStack> {
  const sandbox = createSandbox({
    ...DEFAULT_CONFIG,
    port: 0,
    host: "127.0.0.1",
    latencyMs: 0,
    jitterMs: 0,
    errorRate: 0,
    today: "2025-11-13",
  });
  const { url: sandboxUrl } = await sandbox.start();
  const runtimes: SubgraphRuntime[] = [];
  const servers: SubgraphServer[] = [];
  const subgraphUrls = {} as Record<SubgraphName, string>;
  const sdl = {} as Record<SubgraphName, string>;
  for (const name of Object.keys(FACTORIES) as SubgraphName[]) {
    const config = loadSubgraphConfig(name, {
      [`${name.toUpperCase()}_PORT`]: "0",
      PLATFORM_BASE_URL: sandboxUrl,
      INTERNAL_CONTEXT_SECRET: CONTEXT_SECRET,
      RECORD_CACHE: "off",
      LOG_LEVEL: "warn",
    });
    const runtime = createSubgraphDeps(config);
    const server = FACTORIES[name](config, runtime.deps);
    runtimes.push(runtime);
    servers.push(server);
    subgraphUrls[name] = (await server.start()).url;
    sdl[name] = await readFile(new URL(`../../../subgraphs/${name}/schema.graphql`, import.meta.url), "utf8");
  }
  const composed = composeServices(
    (Object.keys(FACTORIES) as SubgraphName[]).map((name) => ({
      name,
      url: subgraphUrls[name],
      typeDefs: parse(sdl[name]),
    })),
  );
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join("\n"));
  const dir = await mkdtemp(join(tmpdir(), "lienthong-security-"));
  const supergraphPath = join(dir, "supergraph.graphql");
  await writeFile(supergraphPath, composed.supergraphSdl);

  const gateways: RunningGateway[] = [];
  const logs = new LogCapture();
  // One Redis namespace per run: the shared Redis serves other people's tests at the same time.
  const prefix = uniqueRedisPrefix("security");

  async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
    const { url, opsOrigin, post, stop } = await startTestGateway({
      env: {
        SUPERGRAPH_PATH: supergraphPath,
        SUPERGRAPH_WATCH: "off",
        INTERNAL_CONTEXT_SECRET: CONTEXT_SECRET,
        AUTH_JWT_SECRET: JWT_SECRET,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        // REDIS_URL in `env` points this gateway at another Redis (e.g. one a test stops).
        REDIS_URL: redisUrl(),
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: "info",
        ...env,
      },
      waitForRedis: true,
      logs,
    });
    const running: RunningGateway = { url, opsUrl: opsOrigin, post, stop };
    gateways.push(running);
    return running;
  }

  return {
    sandboxUrl,
    subgraphUrls,
    startGateway,
    gatewayLogs: logs.raw,
    async stop() {
      for (const gateway of gateways) await gateway.stop();
      for (const server of servers) await server.stop();
      for (const runtime of runtimes) await runtime.close();
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
