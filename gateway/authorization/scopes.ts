import type { Caller } from "../../common/caller.ts";

/**
 * What a field or type demands of a caller, as composed from `@authenticated` and `@requiresScopes`.
 * `scopeSets` is a conjunction of `@requiresScopes` arguments, each in disjunctive normal form:
 * `[[a, b], [c]]` means (a AND b) OR c; several such arguments (field and type) must all hold.
 */
export interface Requirement {
  authenticated: boolean;
  scopeSets: string[][][];
}

export const NO_REQUIREMENT: Requirement = Object.freeze({
  authenticated: false,
  scopeSets: [],
}) as Requirement;

export function isUnrestricted(requirement: Requirement): boolean {
  return !requirement.authenticated && requirement.scopeSets.length === 0;
}

export function combineRequirements(...requirements: Requirement[]): Requirement {
  const restricting = requirements.filter((r) => !isUnrestricted(r));
  if (restricting.length === 0) return NO_REQUIREMENT;
  if (restricting.length === 1) return restricting[0]!;
  return {
    authenticated: restricting.some((r) => r.authenticated),
    scopeSets: restricting.flatMap((r) => r.scopeSets),
  };
}

export function isAuthenticated(caller: Caller): boolean {
  return caller.sub !== null;
}

/** Any of the alternatives is enough; within one alternative every scope is needed. */
export function satisfiesScopes(granted: ReadonlySet<string>, alternatives: string[][]): boolean {
  return alternatives.some((all) => all.every((scope) => granted.has(scope)));
}

export function satisfies(caller: Caller, requirement: Requirement): boolean {
  if (isUnrestricted(requirement)) return true;
  // Scopes come from a verified token only, so a scope requirement implies authentication as well.
  if (!isAuthenticated(caller)) return false;
  const granted = new Set(caller.scopes);
  return requirement.scopeSets.every((alternatives) => satisfiesScopes(granted, alternatives));
}

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
