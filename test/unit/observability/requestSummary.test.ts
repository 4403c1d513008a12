import { describe, expect, it } from "vitest";
import { ANONYMOUS } from "../../../common/caller.ts";
import { createGatewayContext } from "../../../gateway/context.ts";
import { createLogger } from "../../../gateway/observability/logger.ts";
import { createGatewayMetrics } from "../../../gateway/observability/metrics.ts";
import { createRequestSummary } from "../../../gateway/observability/requestSummary.ts";

const logger = createLogger({ log: { level: "silent" } });

function summaryFor(metrics = createGatewayMetrics()) {
  const summarize = createRequestSummary({ logger, metrics });
  const request = (name: string | null) => {
    const context = createGatewayContext({ requestId: "r", caller: ANONYMOUS, logger });
    context.operations.push({ name, outcome: "ok", errorCodes: [] });
    summarize({ requestId: "r", status: 200, durationMs: 3, context, edgeErrorCode: null });
  };
  return { metrics, request, summarize };
}

describe("request metrics labels", () => {
  it("bounds the operation label: clients cannot create unlimited time series", async () => {
    const { metrics, request } = summaryFor();
    for (let i = 0; i < 250; i++) request(`Operation${i}`);
    request("ProvinceDashboard");
    request("not a name!");
    request(null);
    const labels = (await metrics.requests.get()).values.map((v) => v.labels.operation);
    expect(labels.length).toBeLessThanOrEqual(203);
    expect(labels).toEqual(expect.arrayContaining(["Operation0", "other", "invalid", "anonymous"]));
    expect(labels).not.toContain("Operation249");
  });

  it("counts a request refused at the edge as rejected", async () => {
    const { metrics, summarize } = summaryFor();
    summarize({ requestId: "r", status: 413, durationMs: 1, context: null, edgeErrorCode: "BAD_REQUEST" });
    expect((await metrics.requests.get()).values).toEqual([
      { labels: { operation: "anonymous", outcome: "rejected" }, value: 1 },
    ]);
  });
});
