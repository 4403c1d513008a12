const SCOPE_PATTERN = /^[A-Za-z0-9:._-]{1,64}$/;
const MAX_SCOPES = 50;

export class ScopeClaimError extends Error {}

/** The `scope` claim (RFC 8693 §4.2: space-separated); anything else in it is a malformed token. */
export function parseScopeClaim(claim: unknown): string[] {
  if (claim === undefined || claim === null) return [];
  if (typeof claim !== "string")
    throw new ScopeClaimError("the scope claim must be a space-separated string");
  const scopes = claim.split(" ").filter((s) => s.length > 0);
  if (scopes.length > MAX_SCOPES)
    throw new ScopeClaimError(`the scope claim lists more than ${MAX_SCOPES} scopes`);
  for (const scope of scopes) {
    if (!SCOPE_PATTERN.test(scope)) throw new ScopeClaimError("the scope claim contains an invalid scope");
  }
  return [...new Set(scopes)];
}
