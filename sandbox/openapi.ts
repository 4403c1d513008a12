import type { Route } from "./http/route.ts";
import { type JsonSchema, ref } from "./http/schema.ts";

/** The OpenAPI 3.1 document, generated from the same route table and schemas that answer requests. */
export function buildOpenApi(routes: readonly Route[], schemas: Record<string, JsonSchema>): JsonSchema {
  const problem = {
    description: "Problem details (RFC 9457).",
    content: { "application/problem+json": { schema: ref("Problem") } },
  };
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const parameters = [
      ...(route.pathParam
        ? [
            {
              name: route.pathParam.name,
              in: "path",
              required: true,
              description: route.pathParam.description,
              schema: route.pathParam.schema,
            },
          ]
        : []),
      ...route.params.map((param) => ({
        name: param.name,
        in: "query",
        required: false,
        description: param.description,
        schema: param.schema,
      })),
    ];
    const responses: Record<string, JsonSchema> = route.response
      ? { "200": { description: "OK", content: { "application/json": { schema: route.response } } } }
      : { "204": { description: "Done." } };
    responses["400"] = problem;
    if (route.pathParam) responses["404"] = problem;
    if (route.platform) responses["503"] = problem;
    const operation: JsonSchema = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ?? "").toUpperCase())}`,
      summary: route.summary,
      tags: [route.platform ?? "sandbox"],
      parameters,
      responses,
    };
    if (route.requestBody) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: route.requestBody } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Liên Thông national platforms sandbox",
      version: "1.0.0",
      description:
        "Simulated population, business registry, procedure settlement and reporting platforms. Deterministic data; 'today' is fixed by SANDBOX_TODAY.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      schemas: {
        Problem: {
          type: "object",
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
          },
          required: ["type", "title", "status", "detail"],
          additionalProperties: false,
        },
        ...schemas,
      },
    },
  };
}
