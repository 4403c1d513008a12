import { CALLER_CONTEXT_HEADER, deriveContextKey, signCallerContext } from "../../common/signedContext.ts";
import type { FetchStep } from "./pipeline.ts";

/** One HKDF per subgraph per process, not per fetch. */
function createKeyring(secret: string): (subgraph: string) => Buffer {
  const keys = new Map<string, Buffer>();
  return (subgraph) => {
    let key = keys.get(subgraph);
    if (!key) {
      key = deriveContextKey(secret, subgraph);
      keys.set(subgraph, key);
    }
    return key;
  };
}

/**
 * Tells the subgraph who is asking: the caller, the request id that ties their log lines to ours, and the hash of
 * the body, signed with the key of that subgraph alone (derived from the secret), so the header is good for this
 * one request to this one subgraph. Without a secret (local runs) no caller context is sent and subgraphs treat
 * the request as anonymous.
 */
export function createContextHeaderStep(options: { secret: string | null }): FetchStep {
  const keyOf = options.secret ? createKeyring(options.secret) : null;
  return (next) => async (fetch) => {
    const requestId = fetch.context.requestId;
    const headers: Record<string, string> = { ...fetch.headers, "x-request-id": requestId };
    if (!keyOf) return next({ ...fetch, headers });
    // A body an earlier step already serialised is signed as is: the hash must be of the bytes that are sent.
    const body = fetch.body ?? JSON.stringify(fetch.request);
    headers[CALLER_CONTEXT_HEADER] = signCallerContext(
      fetch.context.caller,
      { audience: fetch.subgraph, requestId, body },
      keyOf(fetch.subgraph),
    );
    return next({ ...fetch, headers, body });
  };
}
