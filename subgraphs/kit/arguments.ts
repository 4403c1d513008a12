import { badUserInput } from "../../common/errors.ts";
import {
  isCommuneCode,
  isDate,
  isDossierCode,
  isEnterpriseCode,
  isHouseholdId,
  isIndustryCode,
  isPersonalId,
  isProcedureCode,
  isProvinceCode,
} from "../../common/identifiers.ts";

// The argument checks of every subgraph. A malformed value is the client's mistake and comes back as BAD_USER_INPUT
// naming the argument, before any platform call is spent on it. Identifiers are checked with common/identifiers.ts,
// the rule the platforms themselves apply, so a value that passes here never makes a platform answer 400.

/** A check of one kind of identifier: `(argument name, value) → value`, or BAD_USER_INPUT naming the argument. */
export type IdentifierArg = (name: string, value: string) => string;

export function identifierArg(isValid: (value: string) => boolean, what: string): IdentifierArg {
  return (name, value) => {
    if (!isValid(value)) throw badUserInput(`${name}: '${value}' is not ${what}`);
    return value;
  };
}

export const provinceCodeArg = identifierArg(isProvinceCode, "a 2-digit province code");
export const communeCodeArg = identifierArg(isCommuneCode, "a 5-digit commune code");

/** A province (2 digits) or commune (5 digits) code, current or pre-2025. */
export function unitCodeArg(name: string, value: string): string {
  if (!isProvinceCode(value) && !isCommuneCode(value)) {
    throw badUserInput(`${name}: '${value}' is neither a 2-digit province code nor a 5-digit commune code`);
  }
  return value;
}

export const personalIdArg = identifierArg(isPersonalId, "a 12-digit personal identification number");
export const householdIdArg = identifierArg(isHouseholdId, "a household id (HK followed by 11 digits)");
export const enterpriseCodeArg = identifierArg(
  isEnterpriseCode,
  "a 10-digit enterprise code with a valid check digit",
);
export const industryCodeArg = identifierArg(isIndustryCode, "a 4-digit VSIC code");
export const procedureCodeArg = identifierArg(isProcedureCode, "a national procedure code like 1.001612");
export const dossierCodeArg = identifierArg(isDossierCode, "a dossier code like H40-251112-0007");

/**
 * `nameContains` of every listing: 2 to 100 characters after trimming. Two, not one: a single letter is part of
 * almost every Vietnamese name, so a one-character filter selects nearly the whole listing while costing the platform
 * a scan of every name; a hundred is longer than any registered name.
 */
export const NAME_CONTAINS_LENGTH = { min: 2, max: 100 } as const;

export function nameContainsArg(name: string, value: string): string {
  const text = value.trim();
  if (text.length < NAME_CONTAINS_LENGTH.min || text.length > NAME_CONTAINS_LENGTH.max) {
    throw badUserInput(
      `${name}: must be ${NAME_CONTAINS_LENGTH.min} to ${NAME_CONTAINS_LENGTH.max} characters`,
    );
  }
  return text;
}

/** Years with published figures are recent; anything far outside is a typo rather than a question. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

export function yearArg(name: string, value: number): number {
  if (!Number.isInteger(value) || value < FIRST_YEAR || value > LAST_YEAR) {
    throw badUserInput(`${name}: ${value} is not a year between ${FIRST_YEAR} and ${LAST_YEAR}`);
  }
  return value;
}

export const dateArg = identifierArg(isDate, "a calendar date in the form YYYY-MM-DD");

export interface DateRange {
  from: string | null;
  to: string | null;
}

export function dateRangeArgs(
  from: string | null | undefined,
  to: string | null | undefined,
  names: { from: string; to: string } = { from: "from", to: "to" },
): DateRange {
  const range = {
    from: from == null ? null : dateArg(names.from, from),
    to: to == null ? null : dateArg(names.to, to),
  };
  if (range.from !== null && range.to !== null && range.from > range.to) {
    throw badUserInput(`${names.from}: ${range.from} is after ${names.to}: ${range.to}`);
  }
  return range;
}

/** An optional argument: checked when given, `undefined` when absent or null. */
export function optionalArg<T, R>(value: T | null | undefined, check: (value: T) => R): R | undefined {
  return value == null ? undefined : check(value);
}
