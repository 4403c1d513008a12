import type { CacheHint, CachePolicy } from "@apollo/cache-control-types";
import { type ApolloServerPlugin, type GraphQLResponse, HeaderMap } from "@apollo/server";
import type { FormattedExecutionResult } from "graphql";
import type { CacheVersion } from "../cacheStore/cacheVersion.ts";
import { privateKey } from "../cacheStore/keys.ts";
import { requestOperationKey } from "../cacheStore/requestKey.ts";
import type { GatewayContext } from "../context.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";

/** What a leader hands to the requests that waited for it; null when it had nothing shareable (e.g. incremental). */
type SharedResult = {
  result: FormattedExecutionResult;
  status: number | undefined;
  policy: CacheHint;
  sub: string | null;
} | null;

export interface InboundDedupOptions {
  version: CacheVersion;
  metrics: Pick<GatewayMetrics, "dedupJoins">;
  /**
   * How long a follower waits for its leader before executing on its own. A guard, not a tuning knob: a leader
   * always settles unless Apollo Server aborts its request outside the plugin hooks.
   */
  maxWaitMs: number;
}

/**
 * Identical queries in flight at the same time, for the same visibility class, share one execution (what Hive Gateway
 * calls inbound in-flight request deduplication). Mutations never share. The first request leads and executes; the
 * others wait in `responseForOperation` and are answered with a copy of the leader's result once it is sent.
 */
export function createInboundDedupPlugin(options: InboundDedupOptions): ApolloServerPlugin<GatewayContext> {
  const { metrics, maxWaitMs, version } = options;
  const inFlight = new Map<string, Promise<SharedResult>>();

  return {
    async requestDidStart() {
      let settleLed: ((shared: SharedResult) => void) | null = null;
      function lead(key: string): void {
        const led = new Promise<SharedResult>((resolve) => {
          settleLed = resolve;
        });
        inFlight.set(key, led);
        const forget = () => {
          if (inFlight.get(key) === led) inFlight.delete(key);
        };
        const guard = setTimeout(forget, maxWaitMs);
        guard.unref();
        void led.then(() => {
          clearTimeout(guard);
          forget();
        });
      }
      return {
        async responseForOperation(requestContext) {
          if (requestContext.operation.operation !== "query") return null;
          const context = requestContext.contextValue;
          const sub = context.caller.sub;
          const publicKey = requestOperationKey(requestContext, version.of(requestContext.schema));
          // Second round: the leader's answer was PRIVATE and someone else's; requests of this caller still share.
          const keys = sub === null ? [publicKey] : [publicKey, privateKey(publicKey, sub)];
          for (const key of keys) {
            const leader = inFlight.get(key);
            if (!leader) {
              lead(key);
              context.cacheOutcomes.dedup = "miss";
              return null;
            }
            const shared = await waitAtMost(leader, maxWaitMs);
            if (!shared) return null;
            // PRIVATE data belongs to the caller it was fetched for (and anonymous callers cannot be told apart).
            if (shared.policy.scope === "PRIVATE" && (sub === null || shared.sub !== sub)) continue;
            metrics.dedupJoins.inc();
            context.cacheOutcomes.dedup = "hit";
            requestContext.overallCachePolicy.restrict(shared.policy);
            return {
              http: { status: shared.status, headers: new HeaderMap() },
              body: { kind: "single", singleResult: structuredClone(shared.result) },
            } satisfies GraphQLResponse;
          }
          return null;
        },
        async willSendResponse(requestContext) {
          if (!settleLed) return;
          const { body, http } = requestContext.response;
          settleLed(
            body.kind === "single"
              ? {
                  result: body.singleResult,
                  status: http.status,
                  policy: sharingPolicy(requestContext.overallCachePolicy, body.singleResult),
                  sub: requestContext.contextValue.caller.sub,
                }
              : null,
          );
        },
      };
    },
  };
}

/**
 * An answer with errors is the caller's own (what failed, and why, can depend on who asked), like one a subgraph marked
 * `no-store`: PRIVATE, so only requests of the same caller share it.
 */
function sharingPolicy(policy: CachePolicy, result: FormattedExecutionResult): CacheHint {
  if (result.errors && result.errors.length > 0) return { maxAge: 0, scope: "PRIVATE" };
  return { maxAge: policy.maxAge ?? 0, scope: policy.scope ?? "PUBLIC" };
}

async function waitAtMost(leader: Promise<SharedResult>, ms: number): Promise<SharedResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([leader, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
