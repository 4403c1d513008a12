import type { SetupServer } from "msw/node";
import type { Caller } from "../../common/caller.ts";
import { CALLER_CONTEXT_HEADER, signCallerContext } from "../../common/signedContext.ts";
import { loadSubgraphConfig, type SubgraphConfig, type SubgraphName } from "../../subgraphs/kit/config.ts";
import { createSubgraphDeps } from "../../subgraphs/kit/runtime.ts";
import type { SubgraphDeps, SubgraphServer } from "../../subgraphs/kit/server.ts";

export interface GraphQLResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary response shapes and assert them with expect
  data: Record<string, any> | null | undefined;
  errors:
    | Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>
    | undefined;
  extensions?: Record<string, unknown>;
  /** The answer's JSON as received, for assertions on the whole of it. */
  body: Pick<GraphQLResult, "data" | "errors" | "extensions">;
}

export interface TestSubgraph {
  url: string;
  config: SubgraphConfig;
  deps: SubgraphDeps;
  /**
   * POSTs an operation, signing `caller` (default: a national officer with the read scopes) with the subgraph's
   * key for exactly that body, as the gateway would (unsigned when no key is configured).
   */
  query(query: string, variables?: Record<string, unknown>, caller?: Partial<Caller>): Promise<GraphQLResult>;
  stop(): Promise<void>;
}

export function postGraphQL(
  url: string,
  body: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<GraphQLResult> {
  return postGraphQLText(url, JSON.stringify(body), headers);
}

/** POSTs these exact body bytes (what a signed caller context is bound to). */
export async function postGraphQLText(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResult> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const json = (await response.json()) as Pick<GraphQLResult, "data" | "errors" | "extensions">;
  return {
    status: response.status,
    headers: response.headers,
    data: json.data,
    errors: json.errors,
    extensions: json.extensions,
    body: json,
  };
}

/** Who `TestSubgraph.query` asks for unless told otherwise: the scopes every subgraph's data is read with. */
const TEST_OFFICER: Caller = {
  sub: "test",
  scopes: ["population:read", "dossier:read"],
  province: null,
  commune: null,
};

/** Starts a subgraph on a free loopback port with `env` as its whole environment (LOG_LEVEL silent unless given). */
export async function startTestSubgraph(
  name: SubgraphName,
  create: (config: SubgraphConfig, deps: SubgraphDeps) => SubgraphServer,
  env: Record<string, string> = {},
): Promise<TestSubgraph> {
  const config = loadSubgraphConfig(name, {
    [`${name.toUpperCase()}_PORT`]: "0",
    LOG_LEVEL: "silent",
    ...env,
  });
  const runtime = createSubgraphDeps(config);
  const server = create(config, runtime.deps);
  await runtime.ready();
  const { url } = await server.start();
  return {
    url,
    config,
    deps: runtime.deps,
    query(query, variables, caller) {
      const body = JSON.stringify({ query, variables });
      const headers: Record<string, string> = {};
      if (config.contextKey !== null) {
        headers[CALLER_CONTEXT_HEADER] = signCallerContext(
          { ...TEST_OFFICER, ...caller },
          { audience: name, requestId: "test-request", body },
          config.contextKey,
        );
      }
      return postGraphQLText(url, body, headers);
    },
    async stop() {
      await server.stop();
      await runtime.close();
    },
  };
}

export const ENTITIES_QUERY = (selection: string) =>
  `query($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`;

/** Writes each request `mock` (msw) sees going to `origin` into `requests`, as `describe` puts it. */
export function recordRequests(
  mock: SetupServer,
  origin: string,
  requests: string[],
  describe: (url: URL, method: string) => string,
): void {
  mock.events.on("request:start", ({ request }) => {
    const url = new URL(request.url);
    if (url.origin === origin) requests.push(describe(url, request.method));
  });
}

/**
 * Starts `mock` (msw) letting only loopback traffic (the test's own calls to the subgraph) through unmocked, and
 * writes each request to `origin` into `requests` as `describe` puts it.
 */
export function listenAsPlatform(
  mock: SetupServer,
  origin: string,
  requests: string[],
  describe: (url: URL) => string,
): void {
  mock.listen({
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== "127.0.0.1") print.error();
    },
  });
  recordRequests(mock, origin, requests, describe);
}
