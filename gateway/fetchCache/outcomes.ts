import type { CacheOutcome, GatewayContext } from "../context.ts";

/** One outcome per request and kind of fetch for the log line: a plan may make several fetches of one kind. */
export function recordOutcome(
  context: GatewayContext,
  kind: "entity" | "rootFetch",
  outcome: CacheOutcome,
): void {
  const previous = context.cacheOutcomes[kind];
  if (previous === undefined || previous === outcome || outcome === "bypass") {
    context.cacheOutcomes[kind] = outcome;
  } else if (previous !== "bypass") {
    context.cacheOutcomes[kind] = "partial";
  }
}
