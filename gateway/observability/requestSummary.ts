import type { GatewayContext, RequestOutcome } from "../context.ts";
import type { Logger } from "./logger.ts";
import type { GatewayMetrics } from "./metrics.ts";

// Operation names are chosen by clients; cap the label values so a client cannot blow up the metrics.
const MAX_OPERATION_LABELS = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface RequestSummary {
  requestId: string;
  status: number;
  durationMs: number;
  context: GatewayContext | null;
  /** The code of a refusal by the HTTP edge, before Apollo Server saw the request. */
  edgeErrorCode: string | null;
}

/**
 * The one log line and the request metrics for a GraphQL HTTP request (a batch counts each operation).
 * Logged: ids, names, outcome, codes, cache outcomes, subgraphs. Never variables, headers or data.
 */
export function createRequestSummary(deps: { logger: Logger; metrics: GatewayMetrics }) {
  const seenOperations = new Set<string>();

  function operationLabel(name: string | null): string {
    if (!name) return "anonymous";
    if (!OPERATION_NAME.test(name)) return "invalid";
    if (seenOperations.has(name)) return name;
    if (seenOperations.size >= MAX_OPERATION_LABELS) return "other";
    seenOperations.add(name);
    return name;
  }

  return (summary: RequestSummary) => {
    const operations = summary.context?.operations.length
      ? summary.context.operations
      : [
          {
            name: null,
            outcome: "rejected" as RequestOutcome,
            errorCodes: summary.edgeErrorCode ? [summary.edgeErrorCode] : [],
          },
        ];
    const seconds = summary.durationMs / 1000;
    for (const operation of operations) {
      const labels = { operation: operationLabel(operation.name), outcome: operation.outcome };
      deps.metrics.requests.inc(labels);
      deps.metrics.requestDuration.observe(labels, seconds);
      if (operation.errorCodes.includes("RATE_LIMITED")) deps.metrics.rateLimitRejections.inc();
    }
    deps.logger.info(
      {
        requestId: summary.requestId,
        operation: operations.map((operation) => operation.name).join(",") || null,
        status: summary.status,
        durationMs: Math.round(summary.durationMs * 10) / 10,
        outcome: operations.map((operation) => operation.outcome).join(","),
        errorCodes: [...new Set(operations.flatMap((operation) => operation.errorCodes))],
        cache: summary.context?.cacheOutcomes ?? {},
        subgraphs: [...(summary.context?.subgraphsTouched ?? [])],
      },
      "graphql request",
    );
  };
}
