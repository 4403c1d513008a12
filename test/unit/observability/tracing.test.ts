import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTracing, type Tracing, tracingConfig } from "../../../common/tracing.ts";
import { createLogger } from "../../../gateway/observability/logger.ts";
import { createLogger as createSubgraphLogger } from "../../../subgraphs/kit/logger.ts";
import { createSubgraphMetrics } from "../../../subgraphs/kit/metrics.ts";
import { createUpstreamClient } from "../../../subgraphs/kit/upstream.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../../support/otlpReceiver.ts";

let receiver: OtlpReceiver;
let tracing: Tracing;

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  tracing = createTracing({ serviceName: "unit", tracesUrl: `${receiver.endpoint}/v1/traces` });
});
afterEach(async () => {
  await tracing.shutdown();
  await receiver.stop();
});

function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, stream };
}

describe("tracing configuration", () => {
  it("is off unless an OTLP endpoint is set, and follows the OTLP rule for the traces URL", () => {
    expect(tracingConfig.parse({}).tracesUrl).toBeNull();
    expect(tracingConfig.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).tracesUrl).toBe(
      "http://collector:4318/v1/traces",
    );
    expect(
      tracingConfig.parse({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:4318/custom",
      }).tracesUrl,
    ).toBe("http://traces:4318/custom");
    expect(
      tracingConfig.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })
        .tracesUrl,
    ).toBeNull();
  });
});

describe("log lines and traces join", () => {
  it("with tracing on, a line written inside a span carries its trace_id and span_id beside pino's fields", () => {
    const { lines, stream } = logSink();
    const logger = createLogger(
      { log: { level: "info" }, tracing: { tracesUrl: "http://x/v1/traces" } },
      stream,
    );
    const ids = tracing.tracer.startActiveSpan("work", (span) => {
      logger.info("inside");
      span.end();
      return span.spanContext();
    });
    logger.info("outside");
    expect(lines[0]).toMatchObject({ msg: "inside", trace_id: ids.traceId, span_id: ids.spanId });
    expect(Object.keys(lines[0]!)).toEqual(
      expect.arrayContaining(["level", "time", "pid", "hostname", "name"]),
    );
    expect(lines[1]).not.toHaveProperty("trace_id");
  });

  it("with tracing off, no line carries trace fields even inside a span", () => {
    const { lines, stream } = logSink();
    const logger = createLogger({ log: { level: "info" }, tracing: { tracesUrl: null } }, stream);
    tracing.tracer.startActiveSpan("work", (span) => {
      logger.info("inside");
      span.end();
    });
    expect(lines[0]).not.toHaveProperty("trace_id");
  });
});

describe("platform calls", () => {
  it("are a span named by route template whose context reaches the platform as traceparent", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const platform = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { "content-type": "application/json" }).end('{"items":[]}');
    });
    await new Promise<void>((resolve) => platform.listen(0, "127.0.0.1", resolve));
    const { port } = platform.address() as AddressInfo;
    const client = createUpstreamClient({
      platform: "population",
      baseUrl: `http://127.0.0.1:${port}/population/v1`,
      timeoutMs: 1000,
      retries: 0,
      metrics: createSubgraphMetrics("unit"),
      logger: createSubgraphLogger("unit", "silent"),
      tracing,
    });
    const parent = await tracing.tracer.startActiveSpan("request", async (span) => {
      await client.get("/citizens/040025564807", { fields: "name" });
      span.end();
      return span.spanContext();
    });
    await client.close();
    await new Promise<void>((resolve) => platform.close(() => resolve()));
    await tracing.shutdown();

    const call = receiver.spans.find((span) => span.name === "GET /citizens/{id}");
    expect(call).toMatchObject({ traceId: parent.traceId, parentSpanId: parent.spanId });
    expect(call?.attributes).toMatchObject({
      "url.template": "/citizens/{id}",
      "lienthong.platform": "population",
    });
    expect(seen[0]?.traceparent).toBe(`00-${parent.traceId}-${call?.spanId}-01`);
    expect(receiver.bodies.join("")).not.toContain("040025564807");
  });
});
