/** Why a subgraph fetch failed; becomes `extensions.reason` next to SUBGRAPH_UNAVAILABLE and a metric label. */
export type SubgraphFailureReason =
  | "timeout"
  | "connection"
  | "http_status"
  | "bad_response"
  | "circuit_open";

export class SubgraphFetchError extends Error {
  constructor(
    readonly subgraph: string,
    readonly reason: SubgraphFailureReason,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${subgraph}: ${reason}: ${detail}`, options);
    this.name = "SubgraphFetchError";
  }
}

const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** True when the request most likely never reached the subgraph, so repeating it is safe. */
export function isConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof SubgraphFetchError) return current.reason === "connection";
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_ERROR_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
