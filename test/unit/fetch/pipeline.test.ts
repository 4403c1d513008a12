import { describe, expect, it } from "vitest";
import { ANONYMOUS } from "../../../common/caller.ts";
import {
  CALLER_CONTEXT_HEADER,
  deriveContextKey,
  verifyCallerContext,
} from "../../../common/signedContext.ts";
import { createGatewayContext } from "../../../gateway/context.ts";
import { parseCacheControl } from "../../../gateway/fetch/cacheControl.ts";
import { createContextHeaderStep } from "../../../gateway/fetch/contextHeader.ts";
import { SubgraphFetchError } from "../../../gateway/fetch/errors.ts";
import {
  composeFetchPipeline,
  type FetchHandler,
  type SubgraphFetch,
} from "../../../gateway/fetch/pipeline.ts";
import { createLogger } from "../../../gateway/observability/logger.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { createCircuitBreakerStep } from "../../../gateway/resilience/circuitBreaker.ts";
import { createRetryStep } from "../../../gateway/resilience/retry.ts";
import { createTimeoutStep } from "../../../gateway/resilience/timeout.ts";

const logger = createLogger({ log: { level: "silent" } });
const ok = { body: { data: { ok: true } }, cachePolicy: null };

function fetchOf(kind: SubgraphFetch["kind"] = "query"): SubgraphFetch {
  return {
    subgraph: "population",
    url: "http://127.0.0.1:1/graphql",
    request: { query: "{ ok }" },
    kind,
    context: createGatewayContext({ requestId: "req-1", caller: ANONYMOUS, logger }),
  };
}

const refused = () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });

describe("fetch pipeline", () => {
  it("runs steps outermost first", async () => {
    const order: string[] = [];
    const step = (name: string) => (next: FetchHandler) => async (fetch: SubgraphFetch) => {
      order.push(name);
      return next(fetch);
    };
    await composeFetchPipeline([step("a"), step("b")], async () => {
      order.push("terminal");
      return ok;
    })(fetchOf());
    expect(order).toEqual(["a", "b", "terminal"]);
  });

  it("retries a query once on a connection error", async () => {
    let calls = 0;
    const handler = createRetryStep()(async () => {
      calls++;
      if (calls === 1) throw refused();
      return ok;
    });
    await expect(handler(fetchOf("entities"))).resolves.toBe(ok);
    expect(calls).toBe(2);
  });

  it("never retries mutations, timeouts or a second connection failure", async () => {
    for (const [kind, error, expectedCalls] of [
      ["mutation", refused(), 1],
      ["query", new SubgraphFetchError("population", "timeout", "slow"), 1],
      ["query", refused(), 2],
    ] as const) {
      let calls = 0;
      const handler = createRetryStep()(async () => {
        calls++;
        throw error;
      });
      // The failure itself, unwrapped: the data source reads its reason (timeout…) into SUBGRAPH_UNAVAILABLE.
      await expect(handler(fetchOf(kind))).rejects.toBe(error);
      expect(calls).toBe(expectedCalls);
    }
  });

  it("times out per subgraph and aborts the request", async () => {
    let abortedWith: Error | undefined;
    const handler = createTimeoutStep({ defaultMs: 5000, overridesMs: { population: 30 } })(
      (fetch) =>
        new Promise((_, reject) => {
          // As the transport does once its request has a connection: undici then fails it with the abort's reason.
          fetch.cancellation?.started({
            abort: (reason) => {
              abortedWith = reason;
              reject(new Error("aborted"));
            },
          });
        }),
    );
    const error = await handler(fetchOf()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SubgraphFetchError);
    expect((error as SubgraphFetchError).reason).toBe("timeout");
    expect(abortedWith).toBe(error);
  });

  it("opens the breaker after consecutive failures and reports its state", async () => {
    const metrics = createGatewayMetrics();
    let calls = 0;
    const handler = createCircuitBreakerStep(
      { enabled: true, consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
      { metrics, logger },
    )(async () => {
      calls++;
      throw new SubgraphFetchError("population", "http_status", "HTTP 502");
    });
    await expect(handler(fetchOf())).rejects.toMatchObject({ reason: "http_status" });
    await expect(handler(fetchOf())).rejects.toMatchObject({ reason: "http_status" });
    await expect(handler(fetchOf())).rejects.toMatchObject({ reason: "circuit_open" });
    expect(calls).toBe(2);
    const gauge = await metrics.breakerState.get();
    expect(gauge.values).toEqual([{ labels: { subgraph: "population" }, value: 2 }]);
  });

  it("sends the request id and a caller context signed for this subgraph and these body bytes", async () => {
    let sent: SubgraphFetch | undefined;
    const caller = { sub: "officer-1", scopes: ["population:read"], province: "40", commune: null };
    const fetch = { ...fetchOf(), context: createGatewayContext({ requestId: "req-9", caller, logger }) };
    await createContextHeaderStep({ secret: "s" })(async (f) => {
      sent = f;
      return ok;
    })(fetch);
    expect(sent?.headers?.["x-request-id"]).toBe("req-9");
    const header = String(sent?.headers?.[CALLER_CONTEXT_HEADER]);
    const body = String(sent?.body);
    expect(JSON.parse(body)).toEqual(fetch.request);
    expect(
      verifyCallerContext(header, { audience: "population", body }, deriveContextKey("s", "population")),
    ).toEqual({ caller, requestId: "req-9" });
    expect(() =>
      verifyCallerContext(header, { audience: "business", body }, deriveContextKey("s", "business")),
    ).toThrow(/signature/);
  });

  it("signs a body an earlier step already serialised, byte for byte as it is sent", async () => {
    let sent: SubgraphFetch | undefined;
    // Other bytes than the transport's own serialisation would give: the signature must cover these.
    const body = JSON.stringify(fetchOf().request, null, 1);
    await createContextHeaderStep({ secret: "s" })(async (f) => {
      sent = f;
      return ok;
    })({ ...fetchOf(), body });
    expect(sent?.body).toBe(body);
    const header = String(sent?.headers?.[CALLER_CONTEXT_HEADER]);
    expect(
      verifyCallerContext(header, { audience: "population", body }, deriveContextKey("s", "population")),
    ).toMatchObject({ requestId: "req-1" });
  });

  it("parses subgraph Cache-Control into a cache policy", () => {
    expect(parseCacheControl("max-age=60, public")).toEqual({ maxAge: 60, scope: "PUBLIC" });
    expect(parseCacheControl("max-age=30, private")).toEqual({ maxAge: 30, scope: "PRIVATE" });
    // Apollo's subgraph plugin says no-store for answers with errors: such an answer is the caller's own.
    expect(parseCacheControl("no-store")).toEqual({ maxAge: 0, scope: "PRIVATE" });
    expect(parseCacheControl(undefined)).toBeNull();
    expect(parseCacheControl("max-age=abc")).toBeNull();
  });
});
