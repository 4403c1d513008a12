import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { GuildData } from "./data.ts";
import type { GraphQLRequestBody, SchemaExecutor } from "./executor.ts";
import { createSchemaExecutor } from "./executor.ts";
import { createAccountsSchema } from "./subgraphs/accounts.ts";
import { createInventorySchema } from "./subgraphs/inventory.ts";
import { createProductsSchema } from "./subgraphs/products.ts";
import { createReviewsSchema } from "./subgraphs/reviews.ts";

export const GUILD_SUBGRAPH_NAMES = ["accounts", "products", "reviews", "inventory"] as const;

export interface GuildServerConfig {
  host: string;
  port: number;
  /** Added to every request, like the reference subgraphs' SUBGRAPH_DELAY_MS. */
  delayMs: number;
}

export interface GuildServer {
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

export function createGuildServer(config: GuildServerConfig, deps: { data: GuildData }): GuildServer {
  const executors = new Map<string, SchemaExecutor>([
    ["/accounts", createSchemaExecutor(createAccountsSchema(deps.data))],
    ["/products", createSchemaExecutor(createProductsSchema(deps.data))],
    ["/reviews", createSchemaExecutor(createReviewsSchema(deps.data))],
    ["/inventory", createSchemaExecutor(createInventorySchema(deps.data))],
  ]);

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, { errors: [{ message: "Internal server error" }] });
    });
  });
  server.keepAliveTimeout = 65_000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (path === "/health") return send(response, 200, { status: "ok" });
    const executor = executors.get(path);
    if (!executor) return send(response, 404, { errors: [{ message: `No subgraph at ${path}` }] });
    if (request.method !== "POST") return send(response, 405, { errors: [{ message: "Use POST" }] });
    const body = await readJson(request);
    if (body === null) return send(response, 400, { errors: [{ message: "Body must be a JSON object" }] });
    if (config.delayMs > 0) await sleep(config.delayMs);
    send(response, 200, await executor(body));
  }

  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          resolve({ url: `http://${config.host}:${port}`, port });
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(request: IncomingMessage): Promise<GraphQLRequestBody | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as GraphQLRequestBody)
      : null;
  } catch {
    return null;
  }
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}
