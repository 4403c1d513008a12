import { readFileSync, writeFileSync } from "node:fs";
import type { ProcessSpec } from "./processes.ts";
import { withoutSecurityPurpose } from "./supergraphFile.ts";

export const GATEWAY_IDS = ["ours-off", "ours", "apollo", "hive"] as const;
export type GatewayId = (typeof GATEWAY_IDS)[number];

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
  id: GatewayId;
  label: string;
  /** True when the gateway keeps caches the harness must purge for cold measurements. */
  hasCaches: boolean;
  spec(launch: GatewayLaunch, baseEnv: Record<string, string | undefined>): ProcessSpec;
}

const repoFile = (path: string) => new URL(`../../${path}`, import.meta.url).pathname;

// Benchmark traffic comes from one client address at thousands of requests per second; the per-caller rate
// limit would turn it into 429s, so it is off in both of our configurations (peers have none).
const OURS_COMMON_ENV = {
  NODE_ENV: "production",
  SUPERGRAPH_WATCH: "off",
  RATE_LIMIT: "off",
  LOG_LEVEL: "warn",
};

const OURS_CACHES_OFF_ENV = {
  APQ_CACHE: "off",
  RESPONSE_CACHE: "off",
  ENTITY_CACHE: "off",
  DEDUP: "off",
  RECORD_CACHE: "off",
};

// Ready means able to plan and answer a query, which every gateway proves the same way.
function graphqlReadiness(port: number): Pick<ProcessSpec, "readyUrl" | "readyBody"> {
  return { readyUrl: gatewayUrl(port), readyBody: JSON.stringify({ query: "{ __typename }" }) };
}

export function gatewayUrl(port: number): string {
  return `http://127.0.0.1:${port}/graphql`;
}

function oursSpec(name: string, extraEnv: Record<string, string>) {
  return (launch: GatewayLaunch, baseEnv: Record<string, string | undefined>): ProcessSpec => ({
    name,
    script: repoFile("gateway/index.ts"),
    env: {
      ...baseEnv,
      ...OURS_COMMON_ENV,
      ...extraEnv,
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

function peerSpec(name: string, script: string, adaptSupergraph: ((sdl: string) => string) | null) {
  return (launch: GatewayLaunch, baseEnv: Record<string, string | undefined>): ProcessSpec => ({
    name,
    script: repoFile(script),
    env: {
      ...baseEnv,
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

export const GATEWAYS: Record<GatewayId, GatewayDefinition> = {
  "ours-off": {
    id: "ours-off",
    label: "Liên Thông, caches off",
    hasCaches: false,
    spec: oursSpec("ours-off", OURS_CACHES_OFF_ENV),
  },
  ours: { id: "ours", label: "Liên Thông, defaults", hasCaches: true, spec: oursSpec("ours", {}) },
  apollo: {
    id: "apollo",
    label: "Apollo Gateway",
    hasCaches: false,
    spec: peerSpec("apollo", "bench/peers/apolloGateway.ts", withoutSecurityPurpose),
  },
  hive: {
    id: "hive",
    label: "Hive Gateway",
    hasCaches: false,
    spec: peerSpec("hive", "bench/peers/hiveGateway.ts", null),
  },
};
