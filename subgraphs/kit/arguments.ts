import { badUserInput } from "../../common/errors.ts";
import { isCommuneCode, isDate, isProvinceCode } from "../../common/identifiers.ts";

// Argument checks the kit does not have (kit/units.ts has province and commune codes), shared by the reporting and
// procedures subgraphs: a malformed value is the client's mistake and must come back as BAD_USER_INPUT naming the
// argument, before any platform call is spent on it.

/** Years with published figures are recent; anything far outside is a typo rather than a question. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/** A province (2 digits) or commune (5 digits) code, current or pre-2025. */
export function unitCodeArg(name: string, value: string): string {
  if (!isProvinceCode(value) && !isCommuneCode(value)) {
    throw badUserInput(`${name}: '${value}' is neither a 2-digit province code nor a 5-digit commune code`);
  }
  return value;
}

export function yearArg(name: string, value: number): number {
  if (!Number.isInteger(value) || value < FIRST_YEAR || value > LAST_YEAR) {
    throw badUserInput(`${name}: ${value} is not a year between ${FIRST_YEAR} and ${LAST_YEAR}`);
  }
  return value;
}

export function dateArg(name: string, value: string): string {
  if (!isDate(value)) throw badUserInput(`${name}: '${value}' is not a calendar date in the form YYYY-MM-DD`);
  return value;
}

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
