import type { SetupServer } from "msw/node";
import type { SubgraphConfig, SubgraphName } from "../../../subgraphs/kit/config.ts";
import type { SubgraphDeps, SubgraphServer } from "../../../subgraphs/kit/server.ts";
import { recordRequests, startTestSubgraph, type TestSubgraph } from "../../support/subgraph.ts";

// One subgraph started with test/support's startTestSubgraph against an msw-mocked platform, counting the platform
// requests it makes. Shared by the reporting and procedures unit tests.

export const PLATFORM_BASE_URL = "http://platform.test";

export interface RunningSubgraph extends TestSubgraph {
  /** Platform requests seen since the last reset, as `METHOD /path?query`. */
  platformRequests(): string[];
  resetPlatformRequests(): void;
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
  const requests: string[] = [];
  recordRequests(msw, PLATFORM_BASE_URL, requests, (url, method) => `${method} ${url.pathname}${url.search}`);
  return {
    ...subgraph,
    // A caller without scopes unless told otherwise.
    query: (query, variables = {}, caller = {}) =>
      subgraph.query(query, variables, { scopes: [], ...caller }),
    platformRequests: () => [...requests],
    resetPlatformRequests() {
      requests.length = 0;
    },
    async stop() {
      msw.events.removeAllListeners();
      await subgraph.stop();
    },
  };
}
