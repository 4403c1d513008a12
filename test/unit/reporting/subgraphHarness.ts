import type { SetupServer } from "msw/node";
import type { Caller } from "../../../common/caller.ts";
import type { SubgraphConfig, SubgraphName } from "../../../subgraphs/kit/config.ts";
import type { SubgraphDeps, SubgraphServer } from "../../../subgraphs/kit/server.ts";
import { startTestSubgraph } from "../../support/subgraph.ts";

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
  create: (config: SubgraphConfig, deps: SubgraphDeps) => SubgraphServer,
  msw: SetupServer,
  env: Record<string, string> = {},
): Promise<RunningSubgraph> {
  const subgraph = await startTestSubgraph(name, create, {
    PLATFORM_BASE_URL,
    UPSTREAM_RETRIES: "0",
    ...env,
  });
  let requests: string[] = [];
  msw.events.on("request:start", ({ request }) => {
    const target = new URL(request.url);
    if (target.origin === PLATFORM_BASE_URL)
      requests.push(`${request.method} ${target.pathname}${target.search}`);
  });
  return {
    async query(query, variables = {}, caller = {}) {
      // A caller without scopes unless told otherwise.
      const { status, headers, ...body } = await subgraph.query(query, variables, { scopes: [], ...caller });
      return { status, headers, body: body as GraphQLResult["body"] };
    },
    platformRequests: () => [...requests],
    resetPlatformRequests() {
      requests = [];
    },
    async stop() {
      msw.events.removeAllListeners();
      await subgraph.stop();
    },
  };
}
