import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloGateway } from "@apollo/gateway";
import type { ApolloServerPlugin } from "@apollo/server";
import { type Span, SpanKind, trace } from "@opentelemetry/api";
import {
  createTracing,
  failSpan,
  type TracingConfig,
  traceHeaders,
  traceServerRequest,
} from "../../common/tracing.ts";
import type { GatewayContext } from "../context.ts";
import { SubgraphFetchError } from "../fetch/errors.ts";
import type { FetchStep } from "../fetch/pipeline.ts";

type GatewayLike = Pick<ApolloGateway, "load" | "onSchemaLoadOrUpdate" | "stop">;
type Executor = NonNullable<Awaited<ReturnType<ApolloGateway["load"]>>["executor"]>;
type ExecutionRequest = Parameters<Executor>[0];

/** OpenTelemetry's GraphQL conventions; the document and its variables are never recorded (personal data). */
const OPERATION_NAME = "graphql.operation.name";
const OPERATION_TYPE = "graphql.operation.type";

export interface GatewayTracing {
  /** Runs one GraphQL HTTP request inside its server span, continuing the caller's `traceparent`. */
  traceRequest(request: IncomingMessage, response: ServerResponse, run: () => Promise<void>): Promise<void>;
  /** Parsing and validation spans. */
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Gives Apollo Server a gateway whose executions (planning, then the plan's fetches) are spans. */
  traceExecution(gateway: GatewayLike): GatewayLike;
  /** Apollo Gateway's `experimental_didResolveQueryPlan`: the end of the planning span. */
  didResolveQueryPlan(options: { requestContext: ExecutionRequest }): void;
  /** Outermost fetch step: a span per subgraph fetch, with the entity cache's outcome, and `traceparent` on the wire. */
  fetchStep: FetchStep;
  shutdown(): Promise<void>;
}

/** The gateway's spans, on a tracer provider of its own (null when no OTLP endpoint is configured). */
export function createGatewayTracing(config: TracingConfig): GatewayTracing | null {
  if (!config.tracesUrl) return null;
  const tracing = createTracing({ serviceName: "lienthong-gateway", tracesUrl: config.tracesUrl });
  const { tracer } = tracing;
  // The plan span of an execution, until Apollo Gateway says the plan is there.
  const planning = new WeakMap<ExecutionRequest, Span>();

  const endPlanning = (requestContext: ExecutionRequest) => {
    planning.get(requestContext)?.end();
    planning.delete(requestContext);
  };

  return {
    traceRequest: (request, response, run) => traceServerRequest(tracing, request, response, run),

    plugin: {
      async requestDidStart() {
        return {
          async parsingDidStart() {
            const span = tracer.startSpan("graphql.parse");
            return async (error) => endSpan(span, error ? "GRAPHQL_PARSE_FAILED" : null);
          },
          async validationDidStart() {
            const span = tracer.startSpan("graphql.validate");
            return async (errors) => endSpan(span, errors?.length ? "GRAPHQL_VALIDATION_FAILED" : null);
          },
          async didResolveOperation({ operationName, operation, requestIsBatched }) {
            // A batch shares the HTTP span; each operation still names itself on its execution span.
            if (requestIsBatched || !operation) return;
            trace.getActiveSpan()?.setAttributes({
              [OPERATION_TYPE]: operation.operation,
              ...(operationName ? { [OPERATION_NAME]: operationName } : {}),
            });
          },
        };
      },
    },

    traceExecution(gateway) {
      const traced =
        (executor: Executor): Executor =>
        (requestContext) => {
          const type = requestContext.operation.operation;
          const name = requestContext.operationName;
          return tracer.startActiveSpan(
            name ? `${type} ${name}` : type,
            { attributes: { [OPERATION_TYPE]: type, ...(name ? { [OPERATION_NAME]: name } : {}) } },
            async (span) => {
              planning.set(requestContext, tracer.startSpan("graphql.plan"));
              try {
                return await executor(requestContext);
              } catch (error) {
                failSpan(span, "INTERNAL_SERVER_ERROR");
                throw error;
              } finally {
                // Still open when the gateway refused the operation before planning.
                endPlanning(requestContext);
                span.end();
              }
            },
          );
        };
      return {
        async load(options) {
          const loaded = await gateway.load(options);
          return { ...loaded, executor: loaded.executor && traced(loaded.executor) };
        },
        onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
        stop: () => gateway.stop(),
      };
    },

    didResolveQueryPlan: ({ requestContext }) => endPlanning(requestContext),

    fetchStep: (next) => (fetch) => {
      const target = new URL(fetch.url);
      return tracer.startActiveSpan(
        `POST ${fetch.subgraph}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            "lienthong.subgraph": fetch.subgraph,
            "lienthong.fetch.kind": fetch.kind,
            "http.request.method": "POST",
            "server.address": target.hostname,
            "server.port": Number(target.port || 80),
          },
        },
        async (span) => {
          try {
            const result = await next({
              ...fetch,
              headers: { ...fetch.headers, ...traceHeaders(tracing, span) },
            });
            if (result.cacheOutcome) span.setAttribute("lienthong.cache.entity", result.cacheOutcome);
            return result;
          } catch (error) {
            failSpan(span, error instanceof SubgraphFetchError ? error.reason : "bad_response");
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },

    shutdown: () => tracing.shutdown(),
  };
}

function endSpan(span: Span, errorCode: string | null): void {
  if (errorCode) failSpan(span, errorCode);
  span.end();
}
