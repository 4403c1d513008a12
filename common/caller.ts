/** The verified caller a request is made for, as the gateway passes it to the subgraphs. */
export interface Caller {
  sub: string | null;
  scopes: string[];
  province: string | null;
  commune: string | null;
}

export const ANONYMOUS: Caller = Object.freeze({
  sub: null,
  scopes: [],
  province: null,
  commune: null,
}) as Caller;

export function hasScope(caller: Caller, scope: string): boolean {
  return caller.scopes.includes(scope);
}

/** Where a personal or dossier record lives; a commune-scoped caller needs the commune to match. */
export interface RecordLocation {
  provinceCode: string;
  communeCode: string | null;
}

export function canSeeRecord(caller: Caller, location: RecordLocation): boolean {
  if (caller.commune !== null) return location.communeCode === caller.commune;
  if (caller.province !== null) return location.provinceCode === caller.province;
  return true;
}

/** Callers with the same key see exactly the same data, so caches may be shared between them. */
export function visibilityClass(caller: Caller): string {
  const scopes = [...new Set(caller.scopes)].sort().join(" ");
  // `@authenticated` fields tell a token without scopes apart from no token at all.
  const auth = caller.sub === null ? "anonymous" : "token";
  return `auth=${auth};scopes=${scopes};province=${caller.province ?? "*"};commune=${caller.commune ?? "*"}`;
}
