import { type Caller, canSeeRecord, hasScope } from "../../common/caller.ts";
import { forbidden, unauthorized } from "../../common/errors.ts";
import type { DossierRecord, UnitScope } from "./platform.ts";

// Who may see which dossier. The gateway already strips fields the caller's scopes do not allow; the subgraph checks
// again because it must never hand out applicants or histories to a request that reached it some other way.

export const DOSSIER_READ = "dossier:read";

export function requireDossierRead(caller: Caller): void {
  if (!hasScope(caller, DOSSIER_READ)) throw unauthorized(`the ${DOSSIER_READ} scope is required`);
}

export function canSeeDossier(caller: Caller, dossier: DossierRecord): boolean {
  return canSeeRecord(caller, { provinceCode: dossier.provinceCode, communeCode: dossier.communeCode });
}

/**
 * The protected parts of a dossier (applicant, history) outside the caller's province/commune: FORBIDDEN. The public
 * status fields stay readable by everyone, as on the public portal's status lookup, so a scoped officer never sees
 * less of a dossier than an anonymous visitor does.
 */
export function assertDossierVisible(caller: Caller, dossier: DossierRecord): void {
  if (!canSeeDossier(caller, dossier)) {
    throw forbidden(`dossier ${dossier.code} is outside the caller's province or commune`);
  }
}

/**
 * The units a dossier listing may cover. A caller limited to a province or commune lists within it: an omitted
 * unit means the caller's own, another one is refused (FORBIDDEN) rather than silently answered with nothing.
 */
export function listingScope(caller: Caller, requested: UnitScope): UnitScope {
  if (
    caller.province !== null &&
    requested.province !== undefined &&
    requested.province !== caller.province
  ) {
    throw forbidden(`filter.provinceCode: province ${requested.province} is outside the caller's province`);
  }
  if (caller.commune !== null) {
    if (requested.commune !== undefined && requested.commune !== caller.commune) {
      throw forbidden(`filter.communeCode: commune ${requested.commune} is outside the caller's commune`);
    }
    return { commune: caller.commune };
  }
  if (caller.province !== null) return { ...requested, province: caller.province };
  return requested;
}
