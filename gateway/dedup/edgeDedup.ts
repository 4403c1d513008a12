import type { CacheHint } from "@apollo/cache-control-types";
import type { CacheVersion } from "../cacheStore/cacheVersion.ts";
import type { CacheOutcome, GatewayContext } from "../context.ts";
import { plainQueryBody } from "../http/plainQueryBody.ts";
import { REQUEST_ID_HEADER } from "../http/requestId.ts";
import type { GatewayMetrics } from "../observability/metrics.ts";
import { createInFlightTable, type Shareable } from "./inFlight.ts";

/**
 * Apollo Server's headers describe the answer (content type, Cache-Control, x-cache, cache tags) and go to every
 * request that shares it. These belong to each request: the edge sets them on the response itself, and they are
 * named here so that no plugin setting one could ever hand a leader's to its followers.
 */
const OWN_HEADERS = new Set([
  REQUEST_ID_HEADER,
  "ratelimit",
  "ratelimit-policy",
  "retry-after",
  "set-cookie",
]);

/** An answer as the HTTP edge writes it. */
export interface EdgeAnswer {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** What the leader's execution produced, as Apollo Server returned it. */
export interface LeaderResult {
  status: number;
  headers: Iterable<[string, string]>;
  body: string;
}

export interface EdgeRequest {
  /** The parsed POST body. */
  body: unknown;
  /** The same body as the client sent it. */
  text: string;
  accept: string | undefined;
}

/**
 * `follow`: write `answer` (the caller's request id is already on the response). `execute`: run the request through
 * Apollo Server, then hand its result to `settle`, which returns the bytes to write (encoded once for every request
 * that shares them), or call `abandon` when there is no one body to share (incremental delivery, a failure).
 */
export type EdgeTurn =
  | { kind: "follow"; answer: EdgeAnswer }
  | { kind: "execute"; settle(result: LeaderResult): Buffer | string; abandon(): void };

export interface EdgeDedup {
  /** Null when the edge does not deduplicate this request: Apollo Server and the dedup plugin take it as usual. */
  arrive(request: EdgeRequest, context: GatewayContext): Promise<EdgeTurn | null>;
  /** Requests the edge deduplicates; the dedup plugin leaves them alone, so no request is deduplicated twice. */
  owns(context: GatewayContext): boolean;
  /** The dedup plugin reports how an owned request's answer may be shared, from its final cache policy. */
  answered(context: GatewayContext, policy: CacheHint): void;
}

interface SharedAnswer extends Shareable {
  answer: EdgeAnswer;
  /** What the leader's request log says, so each follower's log line says the same. */
  operations: GatewayContext["operations"];
  responseCache: CacheOutcome | undefined;
}

export interface EdgeDedupOptions {
  version: Pick<CacheVersion, "current">;
  metrics: Pick<GatewayMetrics, "dedupJoins">;
  /** How long a follower waits for its leader before executing on its own. */
  maxWaitMs: number;
}

/**
 * Inbound deduplication at the HTTP edge, before Apollo Server parses anything: identical POST bodies in flight at the
 * same time, from callers of the same visibility class, under the same cache version and Accept header, share one
 * execution, and followers write the leader's bytes. They cost no parse, validation, planning or serialisation;
 * authentication and the rate limit have already run for each of them. The sharing rules are the dedup plugin's.
 */
export function createEdgeDedup(options: EdgeDedupOptions): EdgeDedup {
  const { version, metrics, maxWaitMs } = options;
  const flights = createInFlightTable<SharedAnswer>(maxWaitMs);
  // Owned requests, with the sharing policy of their answer once the plugin has reported it. Apollo Server hands its
  // plugins a shallow copy of the context; its cache outcomes are the one object every copy of a request's shares.
  const owned = new WeakMap<GatewayContext["cacheOutcomes"], CacheHint | null>();

  function follow(context: GatewayContext, shared: SharedAnswer): EdgeTurn {
    metrics.dedupJoins.inc();
    context.cacheOutcomes.dedup = "hit";
    if (shared.responseCache) context.cacheOutcomes.response = shared.responseCache;
    for (const operation of shared.operations) {
      context.operations.push({ ...operation, errorCodes: [...operation.errorCodes] });
    }
    return { kind: "follow", answer: shared.answer };
  }

  function lead(context: GatewayContext, settle: (shared: SharedAnswer | null) => void): EdgeTurn {
    context.cacheOutcomes.dedup = "miss";
    return {
      kind: "execute",
      abandon: () => settle(null),
      settle(result) {
        const policy = owned.get(context.cacheOutcomes);
        // No policy: the request never reached the dedup plugin's last hook, so nothing says who may see it.
        if (!policy) {
          settle(null);
          return result.body;
        }
        const body = Buffer.from(result.body, "utf8");
        settle({
          answer: {
            status: result.status,
            headers: [...result.headers].filter(([name]) => !OWN_HEADERS.has(name.toLowerCase())),
            body,
          },
          scope: policy.scope ?? "PUBLIC",
          sub: context.caller.sub,
          operations: context.operations,
          responseCache: context.cacheOutcomes.response,
        });
        return body;
      },
    };
  }

  return {
    async arrive(request, context) {
      const plain = plainQueryBody(request.body);
      if (plain === null || mayBeMutationOrSubscription(plain.query)) return null;
      owned.set(context.cacheOutcomes, null);
      const key = `${version.current()}\0${context.visibilityClass}\0${request.accept ?? ""}\0${request.text}`;
      const turn = await flights.take(key, context.caller.sub);
      if (turn.kind === "follow") return follow(context, turn.shared);
      if (turn.kind === "lead") return lead(context, turn.settle);
      return { kind: "execute", settle: (result) => result.body, abandon: () => {} };
    },
    owns: (context) => owned.has(context.cacheOutcomes),
    answered(context, policy) {
      if (owned.has(context.cacheOutcomes)) owned.set(context.cacheOutcomes, policy);
    },
  };
}

/**
 * Without parsing: an operation is a mutation or a subscription only if its document spells the keyword, so a document
 * without either word is queries only. A word in a string, a comment or a field name merely costs that request its
 * deduplication (Apollo Server's dedup plugin, which sees the parsed operation, may still share it).
 */
function mayBeMutationOrSubscription(query: string): boolean {
  return query.includes("mutation") || query.includes("subscription");
}
