import { CALLER_CONTEXT_HEADER, signCallerContext } from "../../common/signedContext.ts";
import type { FetchStep } from "./pipeline.ts";

/**
 * Tells the subgraph who is asking: the caller, signed with the secret the subgraphs verify, and the
 * request id that ties their log lines to ours. Without a secret (local runs) no caller context is sent
 * and subgraphs treat the request as anonymous.
 */
export function createContextHeaderStep(options: { secret: string | null }): FetchStep {
  return (next) => async (fetch) => {
    const headers: Record<string, string> = { ...fetch.headers, "x-request-id": fetch.context.requestId };
    if (options.secret)
      headers[CALLER_CONTEXT_HEADER] = signCallerContext(fetch.context.caller, options.secret);
    return next({ ...fetch, headers });
  };
}
