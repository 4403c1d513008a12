/**
 * Validators for the national identifiers, shared by the sandbox and the subgraphs so that both reject
 * exactly the same inputs.
 */

/** The 63 pre-2025 province codes: the birth-registration part (PPP = "0" + code) of a personal id. */
export const PRE_2025_PROVINCE_CODES: readonly string[] = [
  "01",
  "02",
  "04",
  "06",
  "08",
  "10",
  "11",
  "12",
  "14",
  "15",
  "17",
  "19",
  "20",
  "22",
  "24",
  "25",
  "26",
  "27",
  "30",
  "31",
  "33",
  "34",
  "35",
  "36",
  "37",
  "38",
  "40",
  "42",
  "44",
  "45",
  "46",
  "48",
  "49",
  "51",
  "52",
  "54",
  "56",
  "58",
  "60",
  "62",
  "64",
  "66",
  "67",
  "68",
  "70",
  "72",
  "74",
  "75",
  "77",
  "79",
  "80",
  "82",
  "83",
  "84",
  "86",
  "87",
  "89",
  "91",
  "92",
  "93",
  "94",
  "95",
  "96",
];

const PRE_2025_PROVINCES = new Set(PRE_2025_PROVINCE_CODES);

export type Gender = "MALE" | "FEMALE";

export interface PersonalId {
  /** 3-digit birth-registration province code, e.g. "040". */
  birthProvinceCode: string;
  gender: Gender;
  birthYear: number;
  /** The last six digits. */
  serial: number;
}

const PERSONAL_ID = /^\d{12}$/;

/**
 * Parses `PPP G YY RRRRRR`. G encodes century and gender: 0/1 male/female born 1900–1999, 2/3 male/female
 * born 2000–2099; the higher century digits (4–9, for 2100 onwards) are not issued yet and are rejected.
 */
export function parsePersonalId(value: string): PersonalId | null {
  if (!PERSONAL_ID.test(value)) return null;
  const ppp = value.slice(0, 3);
  if (ppp[0] !== "0" || !PRE_2025_PROVINCES.has(ppp.slice(1))) return null;
  const g = value.charCodeAt(3) - 48;
  if (g > 3) return null;
  const yy = Number(value.slice(4, 6));
  return {
    birthProvinceCode: ppp,
    gender: g % 2 === 0 ? "MALE" : "FEMALE",
    birthYear: (g < 2 ? 1900 : 2000) + yy,
    serial: Number(value.slice(6)),
  };
}

export function isPersonalId(value: string): boolean {
  return parsePersonalId(value) !== null;
}

/** The century/gender digit G for a birth year and gender. */
export function centuryGenderDigit(birthYear: number, gender: Gender): number {
  const century = birthYear < 2000 ? 0 : 2;
  return century + (gender === "MALE" ? 0 : 1);
}

const ENTERPRISE_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3] as const;

/**
 * The tax-code check digit of nine leading digits: 10 − (Σ wᵢdᵢ mod 11). A remainder of 0 would need the
 * two-digit "10", so no valid code exists for those nine digits: returns null. (A remainder of 10 gives 0.)
 */
export function enterpriseCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) return null;
  let sum = 0;
  for (let k = 0; k < 9; k++) sum += ENTERPRISE_WEIGHTS[k]! * (firstNine.charCodeAt(k) - 48);
  const remainder = sum % 11;
  return remainder === 0 ? null : 10 - remainder;
}

export function isEnterpriseCode(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  return enterpriseCheckDigit(value.slice(0, 9)) === value.charCodeAt(9) - 48;
}

/** Post-2025 province code: 2 digits. */
export function isProvinceCode(value: string): boolean {
  return /^\d{2}$/.test(value);
}

/** Commune-level unit code: 5 digits. */
export function isCommuneCode(value: string): boolean {
  return /^\d{5}$/.test(value);
}

/** National administrative procedure code, e.g. "1.001612". */
export function isProcedureCode(value: string): boolean {
  return /^\d\.\d{6}$/.test(value);
}

/** A real calendar date written `YYYY-MM-DD`. */
export function isDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= monthDays;
}

/** VSIC 2018 level-4 industry code: 4 digits. */
export function isIndustryCode(value: string): boolean {
  return /^\d{4}$/.test(value);
}

/** Household id: "HK" + 5-digit commune code + 6 digits. */
export function isHouseholdId(value: string): boolean {
  return /^HK\d{11}$/.test(value);
}

/** Dossier code: "H" + unit (2-digit province or 5-digit commune) + "-yymmdd-" + 4-digit sequence. */
export function isDossierCode(value: string): boolean {
  return /^H(\d{2}|\d{5})-\d{6}-\d{4}$/.test(value);
}

/** Reporting task id: programme prefix (R57, P02, P06) + unit code + 4-digit number, e.g. "R57-40-0001". */
export function isTaskId(value: string): boolean {
  return /^(R57|P02|P06)-(\d{2}|\d{5})-\d{4}$/.test(value);
}
