import type { SetupServer } from "msw/node";
import type { Caller } from "../../../common/caller.ts";
import { CALLER_CONTEXT_HEADER, signCallerContext } from "../../../common/signedContext.ts";
import { loadSubgraphConfig, type SubgraphName } from "../../../subgraphs/kit/config.ts";
import { createSubgraphDeps } from "../../../subgraphs/kit/runtime.ts";
import type { SubgraphDeps, SubgraphServer } from "../../../subgraphs/kit/server.ts";

// Starts one subgraph in-process against an msw-mocked platform and counts the platform requests it makes.
// Shared by the reporting and procedures unit tests.

export const PLATFORM_BASE_URL = "http://platform.test";

export interface GraphQLResult {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string } }>;
  };
}

export interface RunningSubgraph {
  /** Signs `caller` for exactly this body when the subgraph has a context key, as the gateway would. */
  query(query: string, variables?: Record<string, unknown>, caller?: Partial<Caller>): Promise<GraphQLResult>;
  /** Platform requests seen since the last reset, as `METHOD /path?query`. */
  platformRequests(): string[];
  resetPlatformRequests(): void;
  stop(): Promise<void>;
}

export async function startSubgraph(
  name: SubgraphName,
  create: (config: ReturnType<typeof loadSubgraphConfig>, deps: SubgraphDeps) => SubgraphServer,
  msw: SetupServer,
  env: Record<string, string> = {},
): Promise<RunningSubgraph> {
  const config = loadSubgraphConfig(name, {
    [`${name.toUpperCase()}_PORT`]: "0",
    PLATFORM_BASE_URL,
    LOG_LEVEL: "silent",
    UPSTREAM_RETRIES: "0",
    ...env,
  });
  const runtime = createSubgraphDeps(config);
  const server = create(config, runtime.deps);
  const { url } = await server.start();
  let requests: string[] = [];
  msw.events.on("request:start", ({ request }) => {
    const target = new URL(request.url);
    if (target.origin === PLATFORM_BASE_URL)
      requests.push(`${request.method} ${target.pathname}${target.search}`);
  });
  return {
    async query(query, variables = {}, caller = {}) {
      const body = JSON.stringify({ query, variables });
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (config.contextKey !== null) {
        headers[CALLER_CONTEXT_HEADER] = signCallerContext(
          { sub: "test", scopes: [], province: null, commune: null, ...caller },
          { audience: name, requestId: "test-request", body },
          config.contextKey,
        );
      }
      const response = await fetch(url, { method: "POST", headers, body });
      return {
        status: response.status,
        headers: response.headers,
        body: (await response.json()) as GraphQLResult["body"],
      };
    },
    platformRequests: () => [...requests],
    resetPlatformRequests() {
      requests = [];
    },
    async stop() {
      msw.events.removeAllListeners();
      await server.stop();
      await runtime.close();
    },
  };
}
