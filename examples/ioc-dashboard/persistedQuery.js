// One operation sent as an Automatic Persisted Query over GET: the URL carries only its name, variables and
// SHA-256 hash, so every screen of a province asks the very same URL and any HTTP cache in between can answer.

/**
 * @param {{ endpoint: string, operation: { name: string, body: string, id: string } }} options
 *   `operation` is the operation's entry of the safelist manifest (schema/operations/manifest.json): `id` is the
 *   SHA-256 of `body`, which is exactly the hash APQ expects.
 */
export function createPersistedOperation({ endpoint, operation }) {
  const extensions = { persistedQuery: { version: 1, sha256Hash: operation.id } };

  /**
   * @param {Record<string, unknown>} variables
   * @param {string} token bearer token, or "" to ask anonymously
   */
  return async function run(variables, token) {
    const headers = {
      accept: "application/json",
      // The gateway's CSRF guard refuses GETs a plain <img> or <form> could have sent; this header proves a script did.
      "apollo-require-preflight": "true",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    const url = new URL(endpoint, document.baseURI);
    url.search = new URLSearchParams({
      operationName: operation.name,
      variables: JSON.stringify(variables),
      extensions: JSON.stringify(extensions),
    }).toString();
    // no-cache: the browser asks every time, so the cache status shown is this refresh's, not a copy's from earlier.
    let response = await fetch(url, { headers, cache: "no-cache" });
    let body = await response.json();
    const registered = isUnknownHash(body);
    if (registered) {
      // The gateway has not seen this hash (first screen, or its APQ store was emptied): teach it the text once.
      response = await fetch(endpoint, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ operationName: operation.name, query: operation.body, variables, extensions }),
      });
      body = await response.json();
    }
    return {
      status: response.status,
      body,
      registered,
      cache: response.headers.get("x-cache"),
      maxAge: maxAgeOf(response.headers.get("cache-control")),
      receivedAt: Date.now(),
    };
  };
}

const isUnknownHash = (body) =>
  body.errors?.some((error) => error.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") ?? false;

/** Seconds the answer may still be served from a cache; null when it must not be cached at all. */
function maxAgeOf(cacheControl) {
  const match = /max-age=(\d+)/.exec(cacheControl ?? "");
  return match ? Number(match[1]) : null;
}
