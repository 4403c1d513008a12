import type { IncomingMessage, ServerResponse } from "node:http";
import { LRUCache } from "lru-cache";
import { readJson } from "../common/http/body.ts";
import { HttpError } from "../common/http/errors.ts";
import { createHttpServer } from "../common/http/listen.ts";
import { sendProblem, sendText } from "../common/http/respond.ts";
import type { SandboxConfig } from "./config.ts";
import { createFaults } from "./http/faults.ts";
import { notFound, unavailable } from "./http/problem.ts";
import { Query } from "./http/query.ts";
import { createRequestStats } from "./http/request-stats.ts";
import { createRouter, type Route } from "./http/route.ts";
import type { JsonSchema } from "./http/schema.ts";
import { buildOpenApi } from "./openapi.ts";
import { businessRoutes, businessSchemas } from "./platforms/business.ts";
import { controlRoutes, controlSchemas } from "./platforms/control.ts";
import { populationRoutes, populationSchemas } from "./platforms/population.ts";
import { proceduresRoutes, proceduresSchemas } from "./platforms/procedures.ts";
import { reportingRoutes, reportingSchemas } from "./platforms/reporting.ts";
import { createWorld } from "./world.ts";

const MAX_BODY_BYTES = 64 * 1024;
/** Platform answers take milliseconds (plus injected latency); a stop waits this long for them at most. */
const SHUTDOWN_GRACE_MS = 2_000;
/** Platform answers never change for a given "today", so whole response bodies are cached by URL. */
const RESPONSE_CACHE_BYTES = 16 * 1024 * 1024;

export interface Sandbox {
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  /** Precomputes the statistics aggregates while serving; resolves when done. */
  warmUp(): Promise<void>;
}

export function createSandbox(config: SandboxConfig): Sandbox {
  const world = createWorld(config.today);
  const faults = createFaults({
    latencyMs: config.latencyMs,
    jitterMs: config.jitterMs,
    errorRate: config.errorRate,
  });
  const stats = createRequestStats();
  const platformRoutes: Route[] = [
    ...populationRoutes(world),
    ...businessRoutes(world),
    ...proceduresRoutes(world),
    ...reportingRoutes(world),
  ];
  const schemas: Record<string, JsonSchema> = {
    ...populationSchemas,
    ...businessSchemas,
    ...proceduresSchemas,
    ...reportingSchemas,
    ...controlSchemas,
  };
  let openapi: JsonSchema | undefined;
  const routes = [...controlRoutes({ faults, stats, openapi: () => openapi! }), ...platformRoutes];
  openapi = buildOpenApi(routes, schemas);
  const router = createRouter(routes);
  const responses = new LRUCache<string, Buffer>({
    maxSize: RESPONSE_CACHE_BYTES,
    sizeCalculation: (body) => Math.max(1, body.byteLength),
  });

  const send = (res: ServerResponse, status: number, body: Buffer | null) => {
    if (body === null) res.writeHead(status).end();
    else sendText(res, status, "application/json; charset=utf-8", body);
  };

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const questionMark = url.indexOf("?");
    const path = questionMark === -1 ? url : url.slice(0, questionMark);
    const search = questionMark === -1 ? "" : url.slice(questionMark + 1);
    const matched = router.match(req.method ?? "GET", path);
    if (!matched) throw notFound(`no endpoint ${req.method} ${path}`);
    const { route } = matched;
    if (route.platform) {
      res.once("finish", stats.begin(`${route.method} ${route.path}`));
      const delay = faults.delay();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (faults.shouldFail(route.platform))
        throw unavailable(`the ${route.platform} platform is unavailable`);
      const cached = route.method === "GET" ? responses.get(url) : undefined;
      if (cached) return send(res, 200, cached);
    }
    const query = new Query(search, route.params);
    const body = route.method === "GET" ? undefined : await readJson(req, MAX_BODY_BYTES);
    const result = route.handle({ query, id: matched.id, body });
    if (result === undefined) return send(res, 204, null);
    const encoded = Buffer.from(JSON.stringify(result));
    if (route.platform && route.method === "GET") responses.set(url, encoded);
    send(res, 200, encoded);
  }

  const http = createHttpServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendProblem(res, error);
      // Only the message: requests may carry personal ids, and they stay out of logs.
      console.error(`sandbox: internal error: ${error instanceof Error ? error.message : String(error)}`);
      sendProblem(
        res,
        new HttpError(500, "INTERNAL_SERVER_ERROR", "the sandbox failed to answer this request"),
      );
    });
  });

  return {
    async start() {
      const { port, origin } = await http.listen(config.port, config.host);
      return { url: origin, port };
    },
    stop: () => http.stop(SHUTDOWN_GRACE_MS),
    warmUp: () => world.dossiers.warmUp(),
  };
}
