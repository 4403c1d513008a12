/** A POST body of the one shape the HTTP edge handles itself: a query with its optional name and variables. */
export interface PlainQueryBody {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown> | undefined;
}

/**
 * The body as a plain `{"query": …}` request (optional operationName and variables, no extensions), or null for
 * anything else (APQ, batches, malformed fields): those go through Apollo Server, which reads and validates them
 * itself. The response cache's edge reader and the edge dedup take exactly these bodies, so both use this one test.
 */
export function plainQueryBody(body: unknown): PlainQueryBody | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return null;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  if (typeof query !== "string" || extensions !== undefined) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return null;
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== "object" || Array.isArray(variables))
  )
    return null;
  return {
    query,
    operationName: operationName ?? null,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
  };
}
