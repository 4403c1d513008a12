// A transparent HTTP hop in front of one subgraph that writes down every GraphQL request the subgraph receives,
// so the tests see the gateway's subgraph traffic from outside the gateway.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { SubgraphName } from "../../subgraphs/kit/config.ts";
import { SUBGRAPH_NAMES } from "./stack.ts";

export interface RecordedFetch {
  operationName: string | null;
  /** Representations of an `_entities` fetch; null for a root-field fetch. */
  representations: number | null;
  /** The request as it crossed the wire: what someone listening in between would have seen. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface SubgraphRecorder {
  url: string;
  fetches: RecordedFetch[];
  entityFetches(): RecordedFetch[];
  clear(): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(["host", "connection", "content-length", "keep-alive", "transfer-encoding"]);

function forwardedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (typeof value === "string" && !HOP_BY_HOP.has(key)) headers[key] = value;
  }
  return headers;
}

export async function startSubgraphRecorder(target: string): Promise<SubgraphRecorder> {
  const fetches: RecordedFetch[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const parsed = JSON.parse(body.toString("utf8") || "{}") as {
      operationName?: string;
      variables?: { representations?: unknown[] };
    };
    fetches.push({
      operationName: parsed.operationName ?? null,
      representations: parsed.variables?.representations?.length ?? null,
      headers: forwardedHeaders(request),
      body,
    });
    const answer = await fetch(target, {
      method: request.method,
      headers: forwardedHeaders(request),
      body: body.length > 0 ? body : undefined,
    });
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, key) => {
      if (!HOP_BY_HOP.has(key) && key !== "content-encoding") headers[key] = value;
    });
    response.writeHead(answer.status, headers);
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    fetches,
    entityFetches: () => fetches.filter((fetch) => fetch.representations !== null),
    clear: () => {
      fetches.length = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface StackRecorders {
  recorders: Record<SubgraphName, SubgraphRecorder>;
  /** What a stack gateway's environment needs to reach every subgraph through its recorder. */
  gatewayEnv: Record<string, string>;
  clear(): void;
  stop(): Promise<void>;
}

/** A recorder in front of each of the stack's subgraphs. */
export async function startStackRecorders(
  subgraphs: Record<SubgraphName, { url: string }>,
): Promise<StackRecorders> {
  const recorders = {} as Record<SubgraphName, SubgraphRecorder>;
  for (const name of SUBGRAPH_NAMES) recorders[name] = await startSubgraphRecorder(subgraphs[name].url);
  return {
    recorders,
    gatewayEnv: Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, recorders[name].url]),
    ),
    clear() {
      for (const recorder of Object.values(recorders)) recorder.clear();
    },
    async stop() {
      for (const recorder of Object.values(recorders)) await recorder.stop();
    },
  };
}
