// Item 9 of issue 10: nothing internal reaches a client. Platform addresses, subgraph refusals and readiness details stay
// in the logs and on the ops listener; /metrics is not served on the public port.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReportingSubgraph } from "../../../subgraphs/reporting/index.ts";
import { freePort } from "../../support/index.ts";
import { STACK_CONTEXT_SECRET, STACK_OPS_TOKEN, type Stack, type StackGateway } from "../../support/stack.ts";
import { startTestSubgraph, type TestSubgraph } from "../../support/subgraph.ts";
import { startSecurityStack } from "./stack.ts";

const QUERY = '{ province(code: "40") { code name } }';

let stack: Stack;
let gateway: StackGateway;
let origin: string;

beforeAll(async () => {
  stack = await startSecurityStack();
  gateway = stack.gateway;
  origin = gateway.origin;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

type GraphQLErrorBody = { message: string; extensions: { code: string } };

describe("ops endpoints", () => {
  it("/metrics answers 404 on the public port, and only the ops token or the ops listener gets it", async () => {
    expect((await fetch(`${origin}/metrics`)).status).toBe(404);
    expect((await fetch(`${origin}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(
      404,
    );
    const withToken = await fetch(`${origin}/metrics`, {
      headers: { authorization: `Bearer ${STACK_OPS_TOKEN}` },
    });
    expect(await withToken.text()).toContain("lienthong_gateway_requests_total");
    expect(await (await fetch(`${gateway.opsOrigin}/metrics`)).text()).toContain(
      "lienthong_gateway_requests_total",
    );
  });

  it("/ready tells the public only its status; the checks go to the ops listener or the ops token", async () => {
    expect(await (await fetch(`${origin}/ready`)).json()).toEqual({ status: "ready" });
    const checks = { supergraph: "ok", redis: "ok", "subgraph:population": "ok" };
    const withToken = await fetch(`${origin}/ready`, {
      headers: { authorization: `Bearer ${STACK_OPS_TOKEN}` },
    });
    expect(await withToken.json()).toMatchObject({ status: "ready", checks });
    expect(await (await fetch(`${gateway.opsOrigin}/ready`)).json()).toMatchObject({
      status: "ready",
      checks,
    });
  });

  it("the ops listener is on loopback and purges with the ops token", async () => {
    expect(new URL(gateway.opsOrigin).hostname).toBe("127.0.0.1");
    const purge = (token: string) =>
      fetch(`${gateway.opsOrigin}/ops/purge`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ scope: "all" }),
      });
    expect((await purge("wrong")).status).toBe(401);
    expect((await purge(STACK_OPS_TOKEN)).status).toBe(200);
  });
});

describe("error messages", () => {
  let unreachable: TestSubgraph | null = null;
  afterAll(async () => {
    await unreachable?.stop();
  });

  it("a platform that cannot be reached is UPSTREAM_UNAVAILABLE in our words, without its address", async () => {
    const platformPort = await freePort();
    unreachable = await startTestSubgraph("reporting", createReportingSubgraph, {
      PLATFORM_BASE_URL: `http://127.0.0.1:${platformPort}`,
      INTERNAL_CONTEXT_SECRET: STACK_CONTEXT_SECRET,
      RECORD_CACHE: "off",
      UPSTREAM_RETRIES: "0",
    });
    const cut = await stack.startGateway({ SUBGRAPH_URL_REPORTING: unreachable.url, RESPONSE_CACHE: "off" });
    const text = await (await cut.post({ query: QUERY })).text();
    const { errors } = JSON.parse(text) as { errors: GraphQLErrorBody[] };
    expect(errors.map((error) => error.extensions.code)).toContain("UPSTREAM_UNAVAILABLE");
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|localhost/);
    expect(text).not.toContain(String(platformPort));
  });

  it("a subgraph refusing the gateway's signed context is SUBGRAPH_UNAVAILABLE, without the subgraph's reason", async () => {
    const misconfigured = await stack.startGateway({
      INTERNAL_CONTEXT_SECRET: "not-the-subgraphs-secret",
      RESPONSE_CACHE: "off",
    });
    const { data, errors } = (await (await misconfigured.post({ query: QUERY })).json()) as {
      data: unknown;
      errors: GraphQLErrorBody[];
    };
    expect(data).toEqual({ province: null });
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.extensions.code).toBe("SUBGRAPH_UNAVAILABLE");
      expect(error.message).toMatch(/^Subgraph "\w+" is unavailable$/);
    }
  });
});
