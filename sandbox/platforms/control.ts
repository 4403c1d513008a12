import type { Faults } from "../http/faults.ts";
import type { RequestStats } from "../http/request-stats.ts";
import type { Route } from "../http/route.ts";
import {
  arrayOf,
  boolean,
  enumOf,
  integer,
  type JsonSchema,
  number,
  object,
  ref,
  string,
} from "../http/schema.ts";

const outage = object({
  population: boolean(),
  business: boolean(),
  procedures: boolean(),
  reporting: boolean(),
});

export const controlSchemas: Record<string, JsonSchema> = {
  Health: object({ status: enumOf(["ok"]) }),
  SandboxStats: {
    type: "object",
    properties: {
      total: integer({ minimum: 0 }),
      byEndpoint: { type: "object", additionalProperties: integer({ minimum: 0 }) },
      requests: arrayOf(
        object({ endpoint: string(), startMs: number({ minimum: 0 }), endMs: number({ minimum: 0 }) }),
      ),
    },
    required: ["total", "byEndpoint", "requests"],
    additionalProperties: false,
  },
  Faults: object({
    latencyMs: integer({ minimum: 0 }),
    jitterMs: integer({ minimum: 0 }),
    errorRate: number({ minimum: 0, maximum: 1 }),
    outage,
  }),
  FaultsPatch: {
    ...object(
      {
        latencyMs: integer({ minimum: 0 }),
        jitterMs: integer({ minimum: 0 }),
        errorRate: number({ minimum: 0, maximum: 1 }),
        outage: { ...outage, required: [] },
      },
      ["latencyMs", "jitterMs", "errorRate", "outage"],
    ),
  },
};

/** Health, the OpenAPI document, request statistics and fault injection. */
export function controlRoutes(deps: {
  faults: Faults;
  stats: RequestStats;
  openapi: () => JsonSchema;
}): Route[] {
  return [
    {
      method: "GET",
      path: "/health",
      platform: null,
      summary: "Liveness.",
      params: [],
      response: ref("Health"),
      handle: () => ({ status: "ok" }),
    },
    {
      method: "GET",
      path: "/openapi.json",
      platform: null,
      summary: "This document.",
      params: [],
      response: { type: "object" },
      handle: () => deps.openapi(),
    },
    {
      method: "GET",
      path: "/_sandbox/stats",
      platform: null,
      summary:
        "Platform requests served since start or the last reset, per route template, and when each of the last 1000 arrived and was answered.",
      params: [],
      response: ref("SandboxStats"),
      handle: () => deps.stats.snapshot(),
    },
    {
      method: "POST",
      path: "/_sandbox/stats/reset",
      platform: null,
      summary: "Zeroes the request statistics.",
      params: [],
      handle: () => {
        deps.stats.reset();
        return undefined;
      },
    },
    {
      method: "GET",
      path: "/_sandbox/faults",
      platform: null,
      summary: "Current fault injection settings.",
      params: [],
      response: ref("Faults"),
      handle: () => deps.faults.current(),
    },
    {
      method: "PUT",
      path: "/_sandbox/faults",
      platform: null,
      summary: "Changes fault injection settings (partial objects merge).",
      params: [],
      requestBody: ref("FaultsPatch"),
      response: ref("Faults"),
      handle: ({ body }) => deps.faults.update(body),
    },
  ];
}
