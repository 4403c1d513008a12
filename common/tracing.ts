import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { z } from "zod";

// OpenTelemetry for every process (gateway and subgraphs): off unless an OTLP endpoint is configured, so a process
// without one runs no tracing code at all. The standard OTEL_* variables keep their meaning: the endpoint ones are
// read here (from the process's injected environment, so tests can point each process at its own receiver); the
// exporter reads OTEL_EXPORTER_OTLP_HEADERS / _TIMEOUT / _COMPRESSION, the provider OTEL_TRACES_SAMPLER(_ARG) and
// OTEL_BSP_*, and the resource OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES from process.env themselves.

const optionalUrl = z.preprocess((value) => (value === "" ? undefined : value), z.url().optional());

export const tracingConfig = z
  .object({
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
    OTEL_SDK_DISABLED: z.enum(["true", "false"]).optional(),
  })
  .transform((env) => ({ tracesUrl: tracesUrlOf(env) }));

export type TracingConfig = z.output<typeof tracingConfig>;

/** The OTLP specification's rule: the signal-specific URL as given, else the base endpoint + `/v1/traces`. */
function tracesUrlOf(env: {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_SDK_DISABLED?: string;
}): string | null {
  if (env.OTEL_SDK_DISABLED === "true") return null;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT)
    return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
  return null;
}

export interface Tracing {
  tracer: Tracer;
  /** W3C Trace Context: `traceparent` / `tracestate` in and out. */
  propagator: W3CTraceContextPropagator;
  /** Exports the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * A tracer provider of this process's own (never the global one: the tests run the gateway and the subgraphs in one
 * process, each with its own service name and receiver), batching spans to the OTLP/HTTP endpoint.
 */
export function createTracing(options: { serviceName: string; tracesUrl: string }): Tracing {
  registerAsyncContext();
  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(resourceFromAttributes({ "service.name": options.serviceName }))
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.tracesUrl }))],
  });
  return {
    tracer: provider.getTracer("lienthong"),
    propagator: new W3CTraceContextPropagator(),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Spans follow the request through awaits only with a context manager. It is process-wide by the API's design and
 * holds no spans of its own, so every tracer provider of the process shares the first one registered.
 */
function registerAsyncContext(): void {
  const manager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(manager)) manager.disable();
}

export const incomingHeaders: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The parent a server span continues: the caller's `traceparent`, or a new trace. */
export function extractParent(
  tracing: Tracing,
  headers: Record<string, string | string[] | undefined>,
): Context {
  return tracing.propagator.extract(context.active(), headers, incomingHeaders);
}

/** `traceparent` (and `tracestate`) for a request made inside `span`. */
export function traceHeaders(tracing: Tracing, span: Span): Record<string, string> {
  const headers: Record<string, string> = {};
  tracing.propagator.inject(trace.setSpan(context.active(), span), headers, {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  });
  return headers;
}

/**
 * Ends a span as failed with our error code only: exception messages can carry a platform's words or an id, which
 * are personal data, so they are never recorded.
 */
export function failSpan(span: Span, code: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  span.setAttribute("error.type", code);
}

/** pino `mixin`: the ids of the active span on every log line, so logs and traces join. */
export function traceLogFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** Runs one /graphql request inside its server span, continuing the caller's `traceparent` (gateway and subgraphs). */
export function traceServerRequest<T>(
  tracing: Tracing,
  req: IncomingMessage,
  res: ServerResponse,
  run: () => Promise<T>,
): Promise<T> {
  const method = req.method ?? "GET";
  const span = tracing.tracer.startSpan(
    `${method} /graphql`,
    {
      kind: SpanKind.SERVER,
      attributes: { "http.request.method": method, "url.path": "/graphql", "url.scheme": "http" },
    },
    extractParent(tracing, req.headers),
  );
  res.once("close", () => {
    span.setAttribute("http.response.status_code", res.statusCode);
    if (res.statusCode >= 500) failSpan(span, String(res.statusCode));
    span.end();
  });
  return context.with(trace.setSpan(context.active(), span), run);
}
