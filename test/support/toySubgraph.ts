// Small real federations for the gateway's own tests: @apollo/subgraph servers on free loopback ports, composed in
// the test with @apollo/composition, so these tests do not depend on the product subgraphs.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type GraphQLError, parse } from "graphql";
import { CALLER_CONTEXT_HEADER, deriveContextKey, verifyCallerContext } from "../../common/signedContext.ts";

/** The `@cacheControl` declarations a toy subgraph's SDL needs to state cache hints. */
export const CACHE_CONTROL_SDL = `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean)
    on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
`;

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  query: string;
  variables?: Record<string, unknown>;
  /** The body bytes as received (what the signed caller context is bound to). */
  raw: Buffer;
}

export interface ToySubgraphOptions {
  /**
   * The gateway's INTERNAL_CONTEXT_SECRET: with it, every request must carry the gateway's signed caller context, and
   * resolvers get the verified caller as `context.caller`; without it, the context is empty.
   */
  contextSecret?: string;
}

/** One toy subgraph: /graphql and /health, recording what it receives, stoppable and restartable on the same port. */
export class ToySubgraph {
  readonly received: ReceivedRequest[] = [];
  delayMs = 0;
  port = 0;
  private server: Server | null = null;
  private apollo: ApolloServer | null = null;

  constructor(
    readonly name: string,
    readonly sdl: string,
    private readonly resolvers: object,
    private readonly options: ToySubgraphOptions = {},
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  /** The GraphQL documents received, in order. */
  get queries(): string[] {
    return this.received.map((request) => request.query);
  }

  /** The representations' codes of each `_entities` fetch received. */
  get entityFetches(): string[][] {
    return this.received.flatMap(({ variables }) => {
      const representations = variables?.representations as { code: string }[] | undefined;
      return representations ? [representations.map((representation) => representation.code)] : [];
    });
  }

  /** Forgets what it received. */
  reset(): void {
    this.received.length = 0;
  }

  async start(): Promise<void> {
    const apollo = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs: parse(this.sdl), resolvers: this.resolvers as never }),
    });
    this.apollo = apollo;
    await apollo.start();
    const secret = this.options.contextSecret;
    const server = createServer(async (request, response) => {
      if (request.url === "/health") {
        response.end("ok");
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString("utf8") || "{}");
      this.received.push({ headers: request.headers, query: body.query, variables: body.variables, raw });
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(request.headers))
        if (typeof value === "string") headers.set(key, value);
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? "POST", headers, search: "", body },
        context: async () =>
          secret === undefined
            ? {}
            : verifyCallerContext(
                String(request.headers[CALLER_CONTEXT_HEADER]),
                { audience: this.name, body: raw },
                deriveContextKey(secret, this.name),
              ),
      });
      for (const [key, value] of result.headers) response.setHeader(key, value);
      response.statusCode = result.status ?? 200;
      response.end(result.body.kind === "complete" ? result.body.string : "");
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await this.apollo?.stop();
  }
}

export function composeSupergraph(subgraphs: { name: string; url: string; sdl: string }[]): string {
  const result = composeServices(
    subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
  );
  if (result.errors) throw new Error(result.errors.map((e: GraphQLError) => e.message).join("\n"));
  return result.supergraphSdl;
}

export interface SupergraphFile {
  path: string;
  remove(): Promise<void>;
}

/** Composes the (started) subgraphs into a supergraph file in a temporary folder of its own. */
export async function writeSupergraph(subgraphs: ToySubgraph[]): Promise<SupergraphFile> {
  const dir = await mkdtemp(join(tmpdir(), "lienthong-supergraph-"));
  const path = join(dir, "supergraph.graphql");
  await writeFile(path, composeSupergraph(subgraphs));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
