import { type Caller, canSeeRecord, hasScope } from "../../common/caller.ts";
import { forbidden, unauthorized } from "../../common/errors.ts";
import type { CitizenRecord, HouseholdRecord } from "./platform.ts";

// Who may see which person. The gateway already strips fields the caller's scopes do not allow; the subgraph checks
// again because it must never hand out a person to a request that reached it some other way.

export const POPULATION_PII = "population:pii";

/** A citizen is the business of the units they live in, permanently or currently. */
export function canSeeCitizen(caller: Caller, citizen: CitizenRecord): boolean {
  return (
    canSeeRecord(caller, citizen.permanentResidence) ||
    (citizen.currentResidence !== null && canSeeRecord(caller, citizen.currentResidence))
  );
}

/** The record, null when unknown, or FORBIDDEN when the citizen lives outside the caller's province/commune. */
export function visibleCitizen(caller: Caller, citizen: CitizenRecord | null): CitizenRecord | null {
  if (citizen !== null && !canSeeCitizen(caller, citizen)) {
    throw forbidden("this citizen lives outside your province/commune");
  }
  return citizen;
}

/** The record, null when unknown, or FORBIDDEN when the household is outside the caller's province/commune. */
export function visibleHousehold(caller: Caller, household: HouseholdRecord | null): HouseholdRecord | null {
  if (household !== null && !canSeeRecord(caller, household)) {
    throw forbidden("this household is outside your province/commune");
  }
  return household;
}

/** Street and hamlet of an address are personal data beyond the person's name: they need population:pii. */
export function requireAddressLine(caller: Caller): void {
  if (!hasScope(caller, POPULATION_PII)) {
    throw unauthorized(`a citizen's address line needs the ${POPULATION_PII} scope`);
  }
}
