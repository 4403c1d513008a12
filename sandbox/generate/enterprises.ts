import { enterpriseCheckDigit, isEnterpriseCode } from "../../common/identifiers.ts";
import type { Reference } from "../reference.ts";
import { dayOfYmd, formatDay, yearOfDay } from "./dates.ts";
import { INDUSTRIES, INDUSTRY_WEIGHTS } from "./industries.ts";
import { addressLine, brandName, foldText } from "./names.ts";
import type { Address, CitizenRef, Population } from "./population.ts";
import {
  createPermutation,
  createSlotAssignment,
  cumulative,
  hash,
  pickWeighted,
  type SlotAssignment,
  unit,
} from "./prng.ts";
import { runOf } from "./runs.ts";

/**
 * The business registry, derived on demand. Enterprises are numbered per head-office commune; a province's
 * enterprises (its communes in code order) get a scrambled 6-digit serial, and the code is
 * province(2) + serial(6) + adjust(1) + check(1), where the adjust digit is the smallest that makes the
 * tax-code check digit exist. The legal representative is an adult of the head-office commune, assigned so
 * that "which enterprises does this citizen represent" is computable.
 */

const NATIONAL_ENTERPRISES = 1_000_000;
const SERIAL_SPACE = 1_000_000;
const FIRST_FOUNDING_DAY = dayOfYmd(1995, 1, 1);
const REPRESENTATIVE_AGES: [number, number] = [25, 70];

export type LegalForm =
  | "SINGLE_MEMBER_LLC"
  | "MULTI_MEMBER_LLC"
  | "JOINT_STOCK"
  | "PARTNERSHIP"
  | "PRIVATE_ENTERPRISE";
export type EnterpriseStatus = "ACTIVE" | "SUSPENDED" | "DISSOLVING" | "DISSOLVED" | "BANKRUPT";
export const ENTERPRISE_STATUSES: readonly EnterpriseStatus[] = [
  "ACTIVE",
  "SUSPENDED",
  "DISSOLVING",
  "DISSOLVED",
  "BANKRUPT",
];
const STATUS_WEIGHTS = cumulative([80, 8, 3, 8, 1]);
const LEGAL_FORMS: readonly LegalForm[] = [
  "SINGLE_MEMBER_LLC",
  "MULTI_MEMBER_LLC",
  "JOINT_STOCK",
  "PARTNERSHIP",
  "PRIVATE_ENTERPRISE",
];
const LEGAL_FORM_WEIGHTS = cumulative([45, 25, 15, 2, 13]);
const LEGAL_FORM_NAMES: Record<LegalForm, [string, string]> = {
  SINGLE_MEMBER_LLC: ["Công ty TNHH", "COMPANY LIMITED"],
  MULTI_MEMBER_LLC: ["Công ty TNHH", "COMPANY LIMITED"],
  JOINT_STOCK: ["Công ty Cổ phần", "JOINT STOCK COMPANY"],
  PARTNERSHIP: ["Công ty Hợp danh", "PARTNERSHIP"],
  PRIVATE_ENTERPRISE: ["Doanh nghiệp tư nhân", "PRIVATE ENTERPRISE"],
};

export interface Enterprise {
  code: string;
  name: string;
  internationalName: string | null;
  legalForm: LegalForm;
  status: EnterpriseStatus;
  foundedOn: string;
  charterCapitalVnd: number | null;
  industry: { code: string; name: string };
  headOffice: Address;
  representativeId: string;
}

export interface EnterpriseRef {
  commune: number;
  index: number;
}

export interface EnterpriseTally {
  total: number;
  byStatus: Record<EnterpriseStatus, number>;
  /** Enterprises founded per calendar year. */
  foundedByYear: Map<number, number>;
}

export interface Enterprises {
  count(commune: number): number;
  enterprise(commune: number, index: number): Enterprise;
  code(commune: number, index: number): string;
  locate(code: string): EnterpriseRef | null;
  /** The fields listings filter on, cheaper than the whole record. */
  status(commune: number, index: number): EnterpriseStatus;
  industryCode(commune: number, index: number): string;
  foldedName(commune: number, index: number): string;
  tally(commune: number): EnterpriseTally;
  representedBy(citizen: CitizenRef): EnterpriseRef[];
  /** Enterprises numbered across a province (its communes in code order). */
  provinceCount(provinceCode: string): number;
  atProvinceRank(provinceCode: string, rank: number): EnterpriseRef;
  provinceRank(ref: EnterpriseRef): number;
}

export function createEnterprises(reference: Reference, population: Population, today: number): Enterprises {
  const { communes } = reference;
  const communeKey = (c: number) => Number(communes[c]!.code);
  const communeIndex = new Map(communes.map((commune, c) => [commune.code, c]));

  const raw = communes.map((commune, c) => {
    const city = reference.provinceByCode.get(commune.provinceCode)!.type === "CITY";
    const rate = commune.type === "WARD" ? 0.022 : commune.type === "SPECIAL_ZONE" ? 0.008 : 0.0045;
    return population.size(c) * rate * (city ? 1.6 : 1) * (0.6 + 0.8 * unit(communeKey(c), 31));
  });
  const scale = NATIONAL_ENTERPRISES / raw.reduce((sum, value) => sum + value, 0);
  const counts = Int32Array.from(raw, (value) => Math.round(value * scale));

  // Per province: its communes in code order and the prefix sums of their enterprise counts.
  const provinceOf = new Map<
    string,
    { communes: number[]; prefix: number[]; serials: ReturnType<typeof createPermutation> }
  >();
  const positionInProvince = new Int32Array(communes.length);
  for (const province of reference.provinces) {
    const list = reference.communesByProvince
      .get(province.code)!
      .map((commune) => communeIndex.get(commune.code)!);
    const prefix = [0];
    list.forEach((c, pos) => {
      positionInProvince[c] = pos;
      prefix.push(prefix[pos]! + counts[c]!);
    });
    if (prefix[list.length]! > SERIAL_SPACE)
      throw new Error(`province ${province.code} has too many enterprises`);
    provinceOf.set(province.code, {
      communes: list,
      prefix,
      serials: createPermutation(SERIAL_SPACE, hash(Number(province.code), 0xe0)),
    });
  }

  const representatives = new Map<number, SlotAssignment>();
  const representativeAssignment = (c: number) => {
    let found = representatives.get(c);
    if (!found) {
      const [start, end] = population.ageRange(c, ...REPRESENTATIVE_AGES);
      found = createSlotAssignment(end - start, hash(communeKey(c), 0xe1));
      representatives.set(c, found);
    }
    return found;
  };

  function code(c: number, index: number): string {
    const provinceCode = communes[c]!.provinceCode;
    const province = provinceOf.get(provinceCode)!;
    const serial = String(
      province.serials.forward(province.prefix[positionInProvince[c]!]! + index),
    ).padStart(6, "0");
    const adjust = enterpriseCheckDigit(`${provinceCode}${serial}0`) === null ? 1 : 0;
    return `${provinceCode}${serial}${adjust}${enterpriseCheckDigit(`${provinceCode}${serial}${adjust}`)}`;
  }

  function locate(value: string): EnterpriseRef | null {
    if (!isEnterpriseCode(value)) return null;
    const province = provinceOf.get(value.slice(0, 2));
    if (!province) return null;
    const adjust = enterpriseCheckDigit(`${value.slice(0, 8)}0`) === null ? 1 : 0;
    if (Number(value[8]) !== adjust) return null;
    const rank = province.serials.inverse(Number(value.slice(2, 8)));
    if (rank >= province.prefix[province.prefix.length - 1]!) return null;
    return atRank(province, rank);
  }

  function atRank(province: { communes: number[]; prefix: number[] }, rank: number): EnterpriseRef {
    const { prefix } = province;
    const k = runOf(prefix, prefix.length - 1, rank);
    return { commune: province.communes[k]!, index: rank - prefix[k]! };
  }

  const foundedDay = (c: number, index: number) =>
    FIRST_FOUNDING_DAY + Math.floor(unit(communeKey(c), index, 1) ** 0.6 * (today - FIRST_FOUNDING_DAY + 1));
  // Winding up takes time: enterprises younger than two years are still active.
  const status = (c: number, index: number): EnterpriseStatus => {
    const drawn = pickWeighted(ENTERPRISE_STATUSES, STATUS_WEIGHTS, unit(communeKey(c), index, 2));
    return drawn === "ACTIVE" || drawn === "SUSPENDED" || foundedDay(c, index) < today - 730
      ? drawn
      : "ACTIVE";
  };
  const industry = (c: number, index: number) =>
    pickWeighted(INDUSTRIES, INDUSTRY_WEIGHTS, unit(communeKey(c), index, 3));
  const legalForm = (c: number, index: number) =>
    pickWeighted(LEGAL_FORMS, LEGAL_FORM_WEIGHTS, unit(communeKey(c), index, 4));
  const names = (c: number, index: number): [string, string | null] => {
    const key = communeKey(c);
    const form = LEGAL_FORM_NAMES[legalForm(c, index)];
    const trade = industry(c, index);
    const brand = brandName(unit(key, index, 5), unit(key, index, 6));
    const international =
      unit(key, index, 7) < 0.6 ? `${foldText(brand).toUpperCase()} ${trade.englishWord} ${form[1]}` : null;
    return [`${form[0]} ${trade.nameWord} ${brand}`, international];
  };

  function enterprise(c: number, index: number): Enterprise {
    const commune = communes[c]!;
    const key = communeKey(c);
    const form = legalForm(c, index);
    const trade = industry(c, index);
    const [name, internationalName] = names(c, index);
    const [adultStart] = population.ageRange(c, ...REPRESENTATIVE_AGES);
    const capitalSteps = Math.floor(unit(key, index, 8) ** 3 * 500) + 1;
    return {
      code: code(c, index),
      name,
      internationalName,
      legalForm: form,
      status: status(c, index),
      foundedOn: formatDay(foundedDay(c, index)),
      charterCapitalVnd: form === "PRIVATE_ENTERPRISE" ? null : capitalSteps * 100_000_000,
      industry: { code: trade.code, name: trade.name },
      headOffice: {
        communeCode: commune.code,
        provinceCode: commune.provinceCode,
        line: addressLine(commune.type === "WARD", hash(key, index, 9)),
      },
      representativeId: population.citizenId(c, adultStart + representativeAssignment(c).member(index)),
    };
  }

  const tallies = new Map<number, EnterpriseTally>();
  function tally(c: number): EnterpriseTally {
    const cached = tallies.get(c);
    if (cached) return cached;
    const result: EnterpriseTally = {
      total: counts[c]!,
      byStatus: { ACTIVE: 0, SUSPENDED: 0, DISSOLVING: 0, DISSOLVED: 0, BANKRUPT: 0 },
      foundedByYear: new Map(),
    };
    for (let index = 0; index < counts[c]!; index++) {
      result.byStatus[status(c, index)] += 1;
      const year = yearOfDay(foundedDay(c, index));
      result.foundedByYear.set(year, (result.foundedByYear.get(year) ?? 0) + 1);
    }
    tallies.set(c, result);
    return result;
  }

  function representedBy(citizen: CitizenRef): EnterpriseRef[] {
    const [start, end] = population.ageRange(citizen.commune, ...REPRESENTATIVE_AGES);
    if (citizen.index < start || citizen.index >= end) return [];
    return representativeAssignment(citizen.commune)
      .slotsOf(citizen.index - start, counts[citizen.commune]!)
      .map((index) => ({ commune: citizen.commune, index }));
  }

  return {
    count: (c) => counts[c]!,
    enterprise,
    code,
    locate,
    status,
    industryCode: (c, index) => industry(c, index).code,
    foldedName: (c, index) => foldText(names(c, index)[0]),
    tally,
    representedBy,
    provinceCount: (provinceCode) => {
      const prefix = provinceOf.get(provinceCode)!.prefix;
      return prefix[prefix.length - 1]!;
    },
    atProvinceRank: (provinceCode, rank) => atRank(provinceOf.get(provinceCode)!, rank),
    provinceRank: (ref) =>
      provinceOf.get(communes[ref.commune]!.provinceCode)!.prefix[positionInProvince[ref.commune]!]! +
      ref.index,
  };
}
