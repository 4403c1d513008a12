import type { ApolloServerPlugin } from "@apollo/server";
import { boundedTags, CACHE_TAG_HEADER, SURROGATE_KEY_HEADER } from "../../common/cacheTags.ts";
import type { GatewayContext } from "../context.ts";

/**
 * `Cache-Tag` (comma-separated, Cloudflare and Akamai) and `Surrogate-Key` (space-separated, Fastly) with the answer's
 * tags, so a CDN in front of the gateway can be purged by the same tags as the gateway; none when there are none.
 */
export function cacheTagHeaders(tags: Iterable<string>): [string, string][] {
  return cacheTagHeadersOf(cacheTagValue(tags));
}

/** The `Cache-Tag` value of `tags`, within the header's bound; "" when there are none. */
export function cacheTagValue(tags: Iterable<string>): string {
  return boundedTags(tags).join(",");
}

/** The two headers of a `Cache-Tag` value computed once (a stored answer keeps it, instead of its tags, for its hits). */
export function cacheTagHeadersOf(value: string): [string, string][] {
  if (value === "") return [];
  return [
    [CACHE_TAG_HEADER, value],
    [SURROGATE_KEY_HEADER, value.replaceAll(",", " ")],
  ];
}

/** `max-age=N, stale-while-revalidate=W, public` (RFC 5861), the window left out when there is none. */
export function publicCacheControl(maxAge: number, staleWhileRevalidate: number): string {
  return staleWhileRevalidate > 0
    ? `max-age=${maxAge}, stale-while-revalidate=${staleWhileRevalidate}, public`
    : `max-age=${maxAge}, public`;
}

/** The Cache-Control of an answer served from the response cache, on either path (the HTTP edge or Apollo Server). */
export function servedCacheControl(
  scope: "PUBLIC" | "PRIVATE",
  maxAge: number,
  staleWhileRevalidate: number,
): string {
  return scope === "PUBLIC" ? publicCacheControl(maxAge, staleWhileRevalidate) : "no-store";
}

/**
 * The Cache-Control the client sees. Apollo's cache-control plugin computes the policy (from our data
 * source's subgraph hints) but is told not to write headers; we only let shared caches keep PUBLIC,
 * error-free responses. PRIVATE data is never marked cacheable outside the gateway. An answer the response cache
 * served already carries its own (its stored freshness, stale window and age), which stands.
 */
export function createCacheControlHeaderPlugin(
  options: { staleWhileRevalidateSeconds?: number } = {},
): ApolloServerPlugin<GatewayContext> {
  const window = options.staleWhileRevalidateSeconds ?? 0;
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ overallCachePolicy, response, contextValue }) {
          for (const [name, value] of cacheTagHeaders(contextValue.cacheTags)) {
            response.http.headers.set(name, value);
          }
          if (response.http.headers.has("cache-control")) return;
          const policy = overallCachePolicy.policyIfCacheable();
          const clean = response.body.kind === "single" && !response.body.singleResult.errors;
          response.http.headers.set(
            "cache-control",
            policy && clean && policy.scope === "PUBLIC"
              ? publicCacheControl(policy.maxAge, window)
              : "no-store",
          );
        },
      };
    },
  };
}
