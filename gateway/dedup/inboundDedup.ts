import type { CacheHint } from "@apollo/cache-control-types";
import { type ApolloServerPlugin, type GraphQLResponse, HeaderMap } from "@apollo/server";
import type { FormattedExecutionResult } from "graphql";
import type { CacheVersion } from "../cacheStore/cacheVersion.ts";
import { requestOperationKey } from "../cacheStore/requestKey.ts";
import type { GatewayContext } from "../context.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";
import type { EdgeDedup } from "./edgeDedup.ts";
import { createInFlightTable, sharingPolicy } from "./inFlight.ts";

/** What a leader hands to the requests that waited for it. */
interface SharedResult {
  result: FormattedExecutionResult;
  status: number | undefined;
  policy: CacheHint;
  scope: "PUBLIC" | "PRIVATE";
  sub: string | null;
  /** The leader's cache tags: a follower's answer holds the same entities, so it carries the same Cache-Tag. */
  tags: readonly string[];
}

export interface InboundDedupOptions {
  version: CacheVersion;
  metrics: Pick<GatewayMetrics, "dedupJoins">;
  /**
   * How long a follower waits for its leader before executing on its own. A guard, not a tuning knob: a leader
   * always settles unless Apollo Server aborts its request outside the plugin hooks.
   */
  maxWaitMs: number;
  /** The HTTP edge's dedup: the requests it owns are left to it, and told how their answers may be shared. */
  edge?: Pick<EdgeDedup, "owns" | "answered">;
}

/**
 * Identical queries in flight at the same time, for the same visibility class, share one execution (what Hive Gateway
 * calls inbound in-flight request deduplication), for the requests the HTTP edge cannot deduplicate from their bytes
 * (APQ, GET, batches). Mutations never share. The first request leads and executes; the others wait in
 * `responseForOperation` and are answered with a copy of the leader's result once it is sent.
 */
export function createInboundDedupPlugin(options: InboundDedupOptions): ApolloServerPlugin<GatewayContext> {
  const { metrics, maxWaitMs, version, edge } = options;
  const flights = createInFlightTable<SharedResult>(maxWaitMs);

  return {
    async requestDidStart() {
      let settleLed: ((shared: SharedResult | null) => void) | null = null;
      return {
        async responseForOperation(requestContext) {
          const context = requestContext.contextValue;
          if (requestContext.operation.operation !== "query" || edge?.owns(context)) return null;
          const key = requestOperationKey(requestContext, version.of(requestContext.schema));
          const turn = await flights.take(key, context.caller.sub);
          if (turn.kind === "alone") return null;
          if (turn.kind === "lead") {
            settleLed = turn.settle;
            context.cacheOutcomes.dedup = "miss";
            return null;
          }
          const { shared } = turn;
          metrics.dedupJoins.inc();
          context.cacheOutcomes.dedup = "hit";
          requestContext.overallCachePolicy.restrict(shared.policy);
          for (const tag of shared.tags) context.cacheTags.add(tag);
          return {
            http: { status: shared.status, headers: new HeaderMap() },
            body: { kind: "single", singleResult: structuredClone(shared.result) },
          } satisfies GraphQLResponse;
        },
        async willSendResponse(requestContext) {
          const { body, http } = requestContext.response;
          // Incremental answers are not shared (nor, at the edge, written as one body).
          if (body.kind !== "single") return settleLed?.(null);
          const context = requestContext.contextValue;
          const policy = sharingPolicy(requestContext.overallCachePolicy, body.singleResult);
          edge?.answered(context, policy);
          settleLed?.({
            result: body.singleResult,
            status: http.status,
            policy,
            scope: policy.scope ?? "PUBLIC",
            sub: context.caller.sub,
            tags: [...context.cacheTags],
          });
        },
      };
    },
  };
}
