import { readFileSync, writeFileSync } from "node:fs";
import { GATEWAY_V8_FLAGS } from "../../gateway/v8Flags.ts";
import type { ProcessSpec } from "./processes.ts";
import { withoutSecurityPurpose } from "./supergraphFile.ts";
import type { WorkloadId } from "./workloads.ts";

export interface GatewayLaunch {
  port: number;
  supergraphPath: string;
  /** Only our gateway signs the caller context; peers cannot, so their subgraphs run without a secret. */
  internalContextSecret: string | null;
  redisUrl: string | null;
  opsToken: string;
  /** Production mode requires a JWT key; benchmark requests are anonymous, so it only has to exist. */
  jwtSecret: string;
  /** Workload-specific settings of our gateway (peers take none). */
  oursEnv: Record<string, string>;
}

export interface GatewayDefinition {
  label: string;
  /** Ours signs the caller context and is served by subgraphs started with the secret; peers get unsigned ones. */
  family: "ours" | "peer";
  /**
   * True when the gateway keeps caches: the harness purges them before each cold request, and its load cells run
   * against subgraphs with their record cache on (in Redis with `--redis`).
   */
  hasCaches: boolean;
  /** The workloads this variant runs, so that variants measured for one question only cost that question's cells. */
  workloads: readonly WorkloadId[];
  spec(launch: GatewayLaunch, baseEnv: Record<string, string | undefined>): ProcessSpec;
}

const repoFile = (path: string) => new URL(`../../${path}`, import.meta.url).pathname;

// Benchmark traffic comes from one client address at thousands of requests per second; the per-caller rate
// limit would turn it into 429s, so it is off in every configuration of ours (peers have none).
const OURS_COMMON_ENV = {
  NODE_ENV: "production",
  SUPERGRAPH_WATCH: "off",
  RATE_LIMIT: "off",
  LOG_LEVEL: "warn",
};

const CACHES_OFF_ENV = { APQ_CACHE: "off", RESPONSE_CACHE: "off", FETCH_CACHE: "off", RECORD_CACHE: "off" };

// Ready means able to plan and answer a query, which every gateway proves the same way.
function graphqlReadiness(port: number): Pick<ProcessSpec, "readyUrl" | "readyBody"> {
  return { readyUrl: gatewayUrl(port), readyBody: JSON.stringify({ query: "{ __typename }" }) };
}

export function gatewayUrl(port: number): string {
  return `http://127.0.0.1:${port}/graphql`;
}

function oursSpec(name: string, variantEnv: Record<string, string>) {
  return (launch: GatewayLaunch, baseEnv: Record<string, string | undefined>): ProcessSpec => ({
    name,
    script: repoFile("gateway/index.ts"),
    // As every launcher of ours starts it; peers run with Node's defaults, as they ship.
    nodeArgs: [...GATEWAY_V8_FLAGS],
    env: {
      ...baseEnv,
      ...OURS_COMMON_ENV,
      ...variantEnv,
      ...launch.oursEnv,
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: String(launch.port),
      SUPERGRAPH_PATH: launch.supergraphPath,
      INTERNAL_CONTEXT_SECRET: launch.internalContextSecret ?? undefined,
      REDIS_URL: launch.redisUrl ?? undefined,
      OPS_TOKEN: launch.opsToken,
      AUTH_JWT_SECRET: launch.jwtSecret,
    },
    ...graphqlReadiness(launch.port),
  });
}

function peerSpec(
  name: string,
  script: string,
  peerEnv: Record<string, string>,
  adaptSupergraph: ((sdl: string) => string) | null,
) {
  return (launch: GatewayLaunch, baseEnv: Record<string, string | undefined>): ProcessSpec => ({
    name,
    script: repoFile(script),
    env: {
      ...baseEnv,
      ...peerEnv,
      NODE_ENV: "production",
      SUPERGRAPH_PATH: adaptSupergraph
        ? adaptedCopy(launch.supergraphPath, name, adaptSupergraph)
        : launch.supergraphPath,
      PORT: String(launch.port),
    },
    ...graphqlReadiness(launch.port),
  });
}

function adaptedCopy(path: string, name: string, adapt: (sdl: string) => string): string {
  const copy = path.replace(/\.graphql$/, `.${name}.graphql`);
  writeFileSync(copy, adapt(readFileSync(path, "utf8")));
  return copy;
}

// Which variant runs what: the polling cell is about cache expiry, so only a gateway with caches runs it; a cold
// cell is sequential requests, where inbound deduplication never engages, so the no-dedup peer skips it; the
// executor and dedup-only variants answer questions asked of the Guild query only.
const EXCEPT_POLL = ["guild", "province-cold", "province-warm", "national-warm", "commune-warm"] as const;
const LOAD_EXCEPT_POLL = ["guild", "province-warm", "national-warm", "commune-warm"] as const;
const GUILD_ONLY = ["guild"] as const;
const EVERY_WORKLOAD = [...EXCEPT_POLL, "province-poll"] as const;

interface Variant {
  label: string;
  env: Record<string, string>;
  workloads: readonly WorkloadId[];
}

const ours = (name: string, variant: Variant & { hasCaches: boolean }): GatewayDefinition => ({
  label: variant.label,
  family: "ours",
  hasCaches: variant.hasCaches,
  workloads: variant.workloads,
  spec: oursSpec(name, variant.env),
});

const peer = (
  name: string,
  variant: Variant & { script: string; adaptSupergraph?: (sdl: string) => string },
): GatewayDefinition => ({
  label: variant.label,
  family: "peer",
  hasCaches: false,
  workloads: variant.workloads,
  spec: peerSpec(name, variant.script, variant.env, variant.adaptSupergraph ?? null),
});

const APOLLO_PEER = "bench/peers/apolloGateway.ts";
const HIVE_PEER = "bench/peers/hiveGateway.ts";

/**
 * Every gateway configuration measured, one line each, in table order; ours-off first, because each workload's first
 * error-free answer is the reference the others must match. EXECUTOR is the executor knob of our gateway (`own` or
 * `apollo`); the variants without it run the gateway's default.
 */
// biome-ignore format: a table, one line per variant
export const GATEWAYS = {
  "ours-off": ours("ours-off", { label: "Liên Thông, caches off", env: { ...CACHES_OFF_ENV, DEDUP: "off" }, hasCaches: false, workloads: EXCEPT_POLL }),
  "ours-apollo-executor": ours("ours-apollo-executor", { label: "Liên Thông, caches off, Apollo executor", env: { ...CACHES_OFF_ENV, DEDUP: "off", EXECUTOR: "apollo" }, hasCaches: false, workloads: GUILD_ONLY }),
  "ours-dedup": ours("ours-dedup", { label: "Liên Thông, dedup only", env: { ...CACHES_OFF_ENV, DEDUP: "on" }, hasCaches: false, workloads: GUILD_ONLY }),
  ours: ours("ours", { label: "Liên Thông, defaults", env: {}, hasCaches: true, workloads: EVERY_WORKLOAD }),
  apollo: peer("apollo", { label: "Apollo Gateway", script: APOLLO_PEER, env: {}, workloads: EXCEPT_POLL, adaptSupergraph: withoutSecurityPurpose }),
  hive: peer("hive", { label: "Hive Gateway", script: HIVE_PEER, env: {}, workloads: EXCEPT_POLL }),
  "hive-no-dedup": peer("hive-no-dedup", { label: "Hive Gateway, no dedup", script: HIVE_PEER, env: { INBOUND_DEDUP: "off" }, workloads: LOAD_EXCEPT_POLL }),
} satisfies Record<string, GatewayDefinition>;

export type GatewayId = keyof typeof GATEWAYS;
export const GATEWAY_IDS = Object.keys(GATEWAYS) as GatewayId[];
