/** A POST body of the one shape the HTTP edge handles itself: a query with its optional name and variables. */
export interface PlainQueryBody {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown> | undefined;
}

/** A query by its APQ hash (version 1) with no text, as a registered Apollo client sends it. */
export interface PersistedQueryRef {
  sha256Hash: string;
  operationName: string | null;
  variables: Record<string, unknown> | undefined;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The operation name and variables of a body, or null when either is of the wrong type. */
function nameAndVariables(
  fields: Record<string, unknown>,
): Pick<PlainQueryBody, "operationName" | "variables"> | null {
  const { operationName, variables } = fields;
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return null;
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== "object" || Array.isArray(variables))
  )
    return null;
  return {
    operationName: operationName ?? null,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
  };
}

function asObject(body: unknown): Record<string, unknown> | null {
  return body === null || typeof body !== "object" || Array.isArray(body)
    ? null
    : (body as Record<string, unknown>);
}

/**
 * The body as a plain `{"query": …}` request (optional operationName and variables, no extensions), or null for
 * anything else (APQ, batches, malformed fields): those go through Apollo Server, which reads and validates them
 * itself. The response cache's edge reader and the edge dedup take exactly these bodies, so both use this one test.
 */
export function plainQueryBody(body: unknown): PlainQueryBody | null {
  const fields = asObject(body);
  if (!fields || typeof fields.query !== "string" || fields.extensions !== undefined) return null;
  const rest = nameAndVariables(fields);
  return rest && { query: fields.query, ...rest };
}

/**
 * The body as an APQ lookup by hash: no `query`, and `extensions` holding only `persistedQuery` of version 1 with a
 * SHA-256 hash; null for anything else, registrations (hash and text) included, which Apollo Server checks itself.
 */
export function persistedQueryRef(body: unknown): PersistedQueryRef | null {
  const fields = asObject(body);
  if (!fields || fields.query !== undefined) return null;
  const extensions = asObject(fields.extensions);
  if (!extensions || Object.keys(extensions).length !== 1) return null;
  const persisted = asObject(extensions.persistedQuery);
  if (persisted?.version !== 1 || typeof persisted.sha256Hash !== "string") return null;
  if (!SHA256_HEX.test(persisted.sha256Hash)) return null;
  const rest = nameAndVariables(fields);
  return rest && { sha256Hash: persisted.sha256Hash, ...rest };
}
