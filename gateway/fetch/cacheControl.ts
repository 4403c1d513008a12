import type { CachePolicy } from "./pipeline.ts";

/**
 * Reads the Cache-Control a subgraph's Apollo cache-control plugin sends (`max-age=60, public`,
 * `max-age=30, private`, `no-store`). Anything else, or nothing, means "not cacheable".
 * `no-store` is PRIVATE as well as uncacheable: Apollo sends it for answers with errors and for PRIVATE hints
 * without a max-age, and such an answer must not reach another caller through dedup or a shared fetch.
 */
export function parseCacheControl(header: string | undefined): CachePolicy | null {
  if (!header) return null;
  const directives = header
    .toLowerCase()
    .split(",")
    .map((part) => part.trim());
  if (directives.includes("no-store") || directives.includes("no-cache"))
    return { maxAge: 0, scope: "PRIVATE" };
  const maxAge = directives.find((part) => part.startsWith("max-age="));
  if (!maxAge) return null;
  const seconds = Number(maxAge.slice("max-age=".length));
  if (!Number.isInteger(seconds) || seconds < 0) return null;
  const policy: CachePolicy = {
    maxAge: seconds,
    scope: directives.includes("private") ? "PRIVATE" : "PUBLIC",
  };
  const window = Number(
    directives
      .find((part) => part.startsWith("stale-while-revalidate="))
      ?.slice("stale-while-revalidate=".length),
  );
  if (Number.isInteger(window) && window >= 0) policy.staleWhileRevalidate = window;
  return policy;
}

/** A subgraph's policy with its freshness held to `maxAgeSeconds` (CACHE_MAX_AGE_SECONDS); null leaves it as sent. */
export function capFreshness(policy: CachePolicy | null, maxAgeSeconds: number | null): CachePolicy | null {
  if (!policy || maxAgeSeconds === null || policy.maxAge <= maxAgeSeconds) return policy;
  return { ...policy, maxAge: maxAgeSeconds };
}
