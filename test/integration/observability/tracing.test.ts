// OpenTelemetry over the whole real stack: the gateway and each subgraph export to a receiver in this test through
// their own tracer providers, configured only by OTEL_EXPORTER_OTLP_ENDPOINT. One client request must come back as
// one trace: the gateway's spans, the subgraphs' server spans under the gateway's fetch spans, and the platform calls
// under those, with no variable value or personal data anywhere in what was exported.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../../support/otlpReceiver.ts";
import { readOperation, type Stack, startStack } from "../../support/stack.ts";

interface Citizen {
  id: string;
  fullName: string;
}

let receiver: OtlpReceiver;
let stack: Stack;
let citizen: Citizen;
const traces = {
  dashboard: randomBytes(16).toString("hex"),
  dashboardAgain: randomBytes(16).toString("hex"),
  citizen: randomBytes(16).toString("hex"),
};
const clientSpanId = randomBytes(8).toString("hex");

async function post(traceId: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(`${stack.gateway.origin}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      traceparent: `00-${traceId}-${clientSpanId}-01`,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown };
  expect(response.status).toBe(200);
  expect(body.errors).toBeUndefined();
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  // Without the response cache the repeated dashboard is planned again and its `_entities` fetches meet the entity cache.
  stack = await startStack({ gatewayEnv: { ...otel, RESPONSE_CACHE: "off" }, subgraphEnv: otel });
  const residents = await stack.sandbox.get<{ items: Citizen[] }>(
    "/population/v1/citizens?commune=16681&limit=1",
  );
  citizen = residents.items[0]!;
  const dashboard = await readOperation("ProvinceDashboard");
  await post(traces.dashboard, dashboard, { code: "40" });
  await post(traces.dashboardAgain, dashboard, { code: "40" });
  const token = await stack.token({ scopes: ["population:read", "dossier:read"], province: "40" });
  await post(traces.citizen, await readOperation("CitizenProfile"), { id: citizen.id }, token);
  // Stopping flushes every process's batch of spans to the receiver.
  await stack.stop();
}, 120_000);

afterAll(async () => {
  await receiver?.stop();
});

const spansOf = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
const named = (spans: ReceivedSpan[], name: string) => spans.filter((span) => span.name === name);
const entityFetches = (spans: ReceivedSpan[]) =>
  spans.filter((span) => span.attributes["lienthong.fetch.kind"] === "entities");
/** Whether a subgraph served this fetch: its server span is the fetch span's child. */
const reachedSubgraph = (spans: ReceivedSpan[], fetch: ReceivedSpan) =>
  spans.some((span) => span.parentSpanId === fetch.spanId && span.name === "POST /graphql");

describe("one trace per request, from the gateway through the subgraphs to the platforms", () => {
  it("continues the client's trace: the gateway's request span is the child of the client's span", () => {
    const spans = spansOf(traces.dashboard);
    const [root] = named(spans, "POST /graphql").filter((span) => span.service === "lienthong-gateway");
    expect(root?.parentSpanId).toBe(clientSpanId);
    expect(root?.attributes).toMatchObject({
      "graphql.operation.name": "ProvinceDashboard",
      "graphql.operation.type": "query",
      "http.response.status_code": 200,
    });
  });

  it("has the gateway's parsing, validation, planning and execution spans", () => {
    const gateway = spansOf(traces.dashboard).filter((span) => span.service === "lienthong-gateway");
    const names = gateway.map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "graphql.parse",
        "graphql.validate",
        "graphql.plan",
        "query ProvinceDashboard",
      ]),
    );
    const execution = named(gateway, "query ProvinceDashboard")[0]!;
    expect(named(gateway, "graphql.plan")[0]?.parentSpanId).toBe(execution.spanId);
  });

  it("has a span per subgraph fetch, carrying the entity cache's outcome, parent of that subgraph's server span", () => {
    const spans = spansOf(traces.dashboard);
    const fetches = spans.filter((span) => span.attributes["lienthong.subgraph"] !== undefined);
    expect(new Set(fetches.map((span) => span.attributes["lienthong.subgraph"]))).toEqual(
      new Set(["reporting", "population", "business", "procedures"]),
    );
    expect(entityFetches(spans).length).toBeGreaterThan(0);
    // The cache store fails open on a slow Redis (bypass); either way this first request had to ask the subgraph.
    for (const fetch of entityFetches(spans)) {
      expect(["miss", "bypass"]).toContain(fetch.attributes["lienthong.cache.entity"]);
      expect(reachedSubgraph(spans, fetch)).toBe(true);
    }

    const servers = named(spans, "POST /graphql").filter((span) => span.service !== "lienthong-gateway");
    expect(new Set(servers.map((span) => span.service))).toEqual(
      new Set(["lienthong-reporting", "lienthong-population", "lienthong-business", "lienthong-procedures"]),
    );
    const fetchIds = new Set(fetches.map((span) => span.spanId));
    for (const server of servers) expect(fetchIds.has(server.parentSpanId)).toBe(true);
  });

  it("has the platform calls inside the subgraphs' request spans, named by route template", () => {
    const spans = spansOf(traces.dashboard);
    const servers = named(spans, "POST /graphql").filter((span) => span.service !== "lienthong-gateway");
    const platformCalls = spans.filter((span) => span.attributes["lienthong.platform"] !== undefined);
    expect(platformCalls.length).toBeGreaterThan(0);
    const serverIds = new Set(servers.map((span) => span.spanId));
    for (const call of platformCalls) {
      expect(serverIds.has(call.parentSpanId)).toBe(true);
      expect(call.name).toBe(`GET ${call.attributes["url.template"]}`);
    }
  });

  it("shows the entity cache answering the repeated dashboard without the subgraphs", () => {
    const spans = spansOf(traces.dashboardAgain);
    const hits = entityFetches(spans).filter((fetch) => fetch.attributes["lienthong.cache.entity"] === "hit");
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(reachedSubgraph(spans, hit)).toBe(false);
  });

  it("never exports a variable's value or personal data", () => {
    const spans = spansOf(traces.citizen);
    expect(spans.some((span) => span.attributes["lienthong.platform"] === "population")).toBe(true);
    for (const body of receiver.bodies) {
      expect(body).not.toContain(citizen.id);
      expect(body).not.toContain(citizen.fullName);
    }
  });
});
