import type { ApolloServerPlugin } from "@apollo/server";
import { SpanKind, trace } from "@opentelemetry/api";
import { errorCodeOf } from "../../common/errors.ts";
import { createTracing, failSpan, type Tracing, traceHeaders, tracingConfig } from "../../common/tracing.ts";

export type { Tracing };

/** The OTLP traces URL from the standard OTEL_* variables; null → tracing off. */
export function tracesUrlOf(env: Record<string, string | undefined>): string | null {
  const parsed = tracingConfig.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue?.path[0])}: ${issue?.message}`);
  }
  return parsed.data.tracesUrl;
}

/** This subgraph's tracer provider (service `lienthong-<name>`), or null without an endpoint. */
export function createSubgraphTracing(name: string, tracesUrl: string | null): Tracing | null {
  return tracesUrl ? createTracing({ serviceName: `lienthong-${name}`, tracesUrl }) : null;
}

/** OpenTelemetry's GraphQL conventions on the server span; never the document or its variables. */
export const operationSpanPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operationName, operation }) {
        if (!operation) return;
        trace.getActiveSpan()?.setAttributes({
          "graphql.operation.type": operation.operation,
          ...(operationName ? { "graphql.operation.name": operationName } : {}),
        });
      },
    };
  },
};

/**
 * A client span per platform call, named by its route template (never a raw id: query strings and paths carry
 * personal data), with `traceparent` for the platform in the headers `call` is given.
 */
export async function tracePlatformCall<T>(
  tracing: Tracing,
  call: { platform: string; route: string; baseUrl: string },
  send: (traceHeaders: Record<string, string>) => Promise<T>,
): Promise<T> {
  const target = new URL(call.baseUrl);
  return tracing.tracer.startActiveSpan(
    `GET ${call.route}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "http.request.method": "GET",
        "url.template": call.route,
        "server.address": target.hostname,
        "server.port": Number(target.port || (target.protocol === "https:" ? 443 : 80)),
        "lienthong.platform": call.platform,
      },
    },
    async (span) => {
      try {
        return await send(traceHeaders(tracing, span));
      } catch (error) {
        failSpan(span, errorCodeOf(error) ?? "INTERNAL_SERVER_ERROR");
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
