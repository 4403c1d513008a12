import {
  centuryGenderDigit,
  type Gender,
  PRE_2025_PROVINCE_CODES,
  parsePersonalId,
} from "../../common/identifiers.ts";
import type { Commune, Reference } from "../reference.ts";
import { addYears, dayOfYmd, formatDay, yearOfDay } from "./dates.ts";
import { addressLine, familyName, fullName } from "./names.ts";
import { createPermutation, hash, type Permutation, unit } from "./prng.ts";
import { runOf } from "./runs.ts";

/**
 * The population of every commune, derived on demand. Citizens of a commune are numbered 0…N−1 oldest
 * first, so each age and each birth year is a contiguous range of indices and every aggregate has a closed
 * form; gender alternates with the index. A personal id encodes (birth province, gender, birth year) and a
 * scrambled rank within that bucket, which inverts to (commune, index) through per-bucket prefix sums.
 */

export const AGE_LIMIT = 100;
const NATIONAL_POPULATION = 100_300_000;
const PERSONS_PER_HOUSEHOLD = 3.6;
const SERIAL_SPACE = 1_000_000;

/** Share of the population by five-year age group, 0–4 … 95–99 (Vietnam, mid-2020s). */
const PYRAMID = [
  7.3, 8.0, 7.8, 7.0, 6.6, 7.4, 8.2, 8.0, 7.5, 6.9, 6.2, 5.6, 4.9, 3.8, 2.5, 1.5, 1.0, 0.6, 0.25, 0.08,
];

export const AGE_BANDS: readonly { fromAge: number; toAge: number | null }[] = [
  { fromAge: 0, toAge: 4 },
  { fromAge: 5, toAge: 14 },
  { fromAge: 15, toAge: 24 },
  { fromAge: 25, toAge: 34 },
  { fromAge: 35, toAge: 44 },
  { fromAge: 45, toAge: 54 },
  { fromAge: 55, toAge: 64 },
  { fromAge: 65, toAge: 74 },
  { fromAge: 75, toAge: null },
];

export interface Address {
  communeCode: string;
  provinceCode: string;
  line: string;
}

export interface Citizen {
  id: string;
  fullName: string;
  dateOfBirth: string;
  gender: Gender;
  birthProvinceCode: string;
  permanentResidence: Address;
  currentResidence: Address | null;
  householdId: string;
}

export interface Household {
  id: string;
  headId: string;
  memberIds: string[];
  communeCode: string;
  provinceCode: string;
  line: string;
}

export interface PopulationStats {
  unitCode: string;
  total: number;
  male: number;
  female: number;
  households: number;
  ageBands: { fromAge: number; toAge: number | null; count: number }[];
}

export interface CitizenRef {
  commune: number;
  index: number;
}

export interface Population {
  size(commune: number): number;
  householdCount(commune: number): number;
  citizen(commune: number, index: number): Citizen;
  citizenId(commune: number, index: number): string;
  locate(id: string): CitizenRef | null;
  household(commune: number, household: number): Household;
  locateHousehold(id: string): { commune: number; household: number } | null;
  communeStats(commune: number): PopulationStats;
  /** Indices [start, end) of the commune's citizens aged minAge…maxAge on "today". */
  ageRange(commune: number, minAge: number, maxAge: number): [number, number];
}

interface AgeBlock {
  lowerDay: number;
  span: number;
  daysBeforeNewYear: number;
}

export function createPopulation(reference: Reference, today: number): Population {
  const { communes } = reference;
  const count = communes.length;
  const todayYear = yearOfDay(today);
  const firstYear = todayYear - AGE_LIMIT;
  const years = AGE_LIMIT + 1;
  const communeKey = (commune: number) => Number(communes[commune]!.code);

  // Age a's birth dates run from (today − a − 1 years + 1 day) to (today − a years).
  const ageBlocks: AgeBlock[] = [];
  for (let age = 0; age < AGE_LIMIT; age++) {
    const lowerDay = addYears(today, -(age + 1)) + 1;
    const upperDay = addYears(today, -age);
    ageBlocks.push({
      lowerDay,
      span: upperDay - lowerDay + 1,
      daysBeforeNewYear: dayOfYmd(todayYear - age, 1, 1) - lowerDay,
    });
  }

  const sizes = communeSizes(communes, reference);
  // ageStart[c·101 + k]: first index of age (99 − k); ageStart[c·101 + 100] = N.
  const ageStart = new Int32Array(count * (AGE_LIMIT + 1));
  // yearStart[c·102 + y]: first index born in firstYear + y; yearStart[c·102 + 101] = N.
  const yearStart = new Int32Array(count * (years + 1));
  const birthProvince = new Uint8Array(count);
  for (let c = 0; c < count; c++) {
    const size = sizes[c]!;
    const tilt = (unit(communeKey(c), 1) - 0.5) * 0.3;
    const weights: number[] = [];
    let weightSum = 0;
    for (let k = 0; k < AGE_LIMIT; k++) {
      const age = AGE_LIMIT - 1 - k;
      const weight = (PYRAMID[Math.floor(age / 5)]! / 5) * (1 + (tilt * (age - 40)) / 60);
      weights.push(weight);
      weightSum += weight;
    }
    let running = 0;
    for (let k = 0; k < AGE_LIMIT; k++) {
      ageStart[c * (AGE_LIMIT + 1) + k] = Math.round((size * running) / weightSum);
      running += weights[k]!;
    }
    ageStart[c * (AGE_LIMIT + 1) + AGE_LIMIT] = size;
    yearStart[c * (years + 1)] = 0;
    for (let age = AGE_LIMIT - 1; age >= 0; age--) {
      const k = AGE_LIMIT - 1 - age;
      const start = ageStart[c * (AGE_LIMIT + 1) + k]!;
      const n = ageStart[c * (AGE_LIMIT + 1) + k + 1]! - start;
      const block = ageBlocks[age]!;
      const turn = Math.ceil((block.daysBeforeNewYear * n) / block.span);
      yearStart[c * (years + 1) + (todayYear - age - firstYear)] = start + Math.min(turn, n);
    }
    yearStart[c * (years + 1) + years] = size;
    const province = reference.provinceByCode.get(communes[c]!.provinceCode)!;
    const origin = province.mergedFrom[hash(communeKey(c), 2) % province.mergedFrom.length]!.code;
    birthProvince[c] = PRE_2025_PROVINCE_CODES.indexOf(origin);
  }

  const evensBelow = (end: number) => Math.floor((end + 1) / 2);
  const genderCount = (start: number, end: number, gender: number) =>
    gender === 0 ? evensBelow(end) - evensBelow(start) : end - start - (evensBelow(end) - evensBelow(start));

  // Per birth province: its communes, and for each (gender, year) the prefix sums of their bucket sizes.
  const bucketCommunes: number[][] = PRE_2025_PROVINCE_CODES.map(() => []);
  for (let c = 0; c < count; c++) bucketCommunes[birthProvince[c]!]!.push(c);
  const bucketPrefix = bucketCommunes.map((list) => {
    const width = list.length + 1;
    const prefix = new Int32Array(2 * years * width);
    for (let gender = 0; gender < 2; gender++) {
      for (let y = 0; y < years; y++) {
        const base = (gender * years + y) * width;
        for (let pos = 0; pos < list.length; pos++) {
          const c = list[pos]!;
          const start = yearStart[c * (years + 1) + y]!;
          const end = yearStart[c * (years + 1) + y + 1]!;
          prefix[base + pos + 1] = prefix[base + pos]! + genderCount(start, end, gender);
        }
        if (prefix[base + list.length]! > SERIAL_SPACE) {
          throw new Error(`birth bucket ${PRE_2025_PROVINCE_CODES[bucketCommunes.indexOf(list)]} overflows`);
        }
      }
    }
    return prefix;
  });
  const positionInBucket = new Int32Array(count);
  for (const list of bucketCommunes) {
    for (const [pos, c] of list.entries()) positionInBucket[c] = pos;
  }

  const permutations = new Map<number, Permutation>();
  const permutation = (province: number, gender: number, y: number) => {
    const key = (province * 2 + gender) * years + y;
    let found = permutations.get(key);
    if (!found) {
      found = createPermutation(SERIAL_SPACE, hash(key, 0x1d));
      permutations.set(key, found);
    }
    return found;
  };

  const ageIndex = (c: number, index: number) => runOf(ageStart, AGE_LIMIT, index, c * (AGE_LIMIT + 1));
  const yearIndex = (c: number, index: number) => runOf(yearStart, years, index, c * (years + 1));

  const householdCount = (c: number) => Math.max(1, Math.round(sizes[c]! / PERSONS_PER_HOUSEHOLD));

  function citizenId(c: number, index: number): string {
    const gender = index % 2;
    const y = yearIndex(c, index);
    const start = yearStart[c * (years + 1) + y]!;
    const firstOfGender = start % 2 === gender ? start : start + 1;
    const rank = (index - firstOfGender) / 2;
    const province = birthProvince[c]!;
    const width = bucketCommunes[province]!.length + 1;
    const j = bucketPrefix[province]![(gender * years + y) * width + positionInBucket[c]!]! + rank;
    const year = firstYear + y;
    const g = centuryGenderDigit(year, gender === 0 ? "MALE" : "FEMALE");
    const serial = permutation(province, gender, y).forward(j);
    return `0${PRE_2025_PROVINCE_CODES[province]}${g}${String(year % 100).padStart(2, "0")}${String(serial).padStart(6, "0")}`;
  }

  function locate(id: string): CitizenRef | null {
    const parsed = parsePersonalId(id);
    if (!parsed) return null;
    const province = PRE_2025_PROVINCE_CODES.indexOf(parsed.birthProvinceCode.slice(1));
    const y = parsed.birthYear - firstYear;
    if (y < 0 || y >= years) return null;
    const gender = parsed.gender === "MALE" ? 0 : 1;
    const list = bucketCommunes[province]!;
    const width = list.length + 1;
    const prefix = bucketPrefix[province]!;
    const base = (gender * years + y) * width;
    const j = permutation(province, gender, y).inverse(parsed.serial);
    if (j >= prefix[base + list.length]!) return null;
    const low = runOf(prefix, list.length, j, base);
    const c = list[low]!;
    const start = yearStart[c * (years + 1) + y]!;
    const firstOfGender = start % 2 === gender ? start : start + 1;
    return { commune: c, index: firstOfGender + 2 * (j - prefix[base + low]!) };
  }

  const householdLine = (c: number, household: number) => {
    const key = communeKey(c);
    return addressLine(communes[c]!.type === "WARD", hash(key, household, 11));
  };
  const householdId = (c: number, household: number) =>
    `HK${communes[c]!.code}${String(household).padStart(6, "0")}`;

  function citizen(c: number, index: number): Citizen {
    const commune = communes[c]!;
    const key = communeKey(c);
    const gender: Gender = index % 2 === 0 ? "MALE" : "FEMALE";
    const age = AGE_LIMIT - 1 - ageIndex(c, index);
    const blockStart = ageStart[c * (AGE_LIMIT + 1) + (AGE_LIMIT - 1 - age)]!;
    const blockSize = ageStart[c * (AGE_LIMIT + 1) + (AGE_LIMIT - age)]! - blockStart;
    const block = ageBlocks[age]!;
    const birthDay = block.lowerDay + Math.floor(((index - blockStart) * block.span) / blockSize);
    const households = householdCount(c);
    const household = index % households;
    // The head's spouse (the household's second member) keeps their own family name.
    const family = familyName(
      index === household + households ? unit(key, index, 15) : unit(key, household, 14),
    );
    return {
      id: citizenId(c, index),
      fullName: fullName(family, gender, unit(key, index, 16), unit(key, index, 17)),
      dateOfBirth: formatDay(birthDay),
      gender,
      birthProvinceCode: `0${PRE_2025_PROVINCE_CODES[birthProvince[c]!]}`,
      permanentResidence: {
        communeCode: commune.code,
        provinceCode: commune.provinceCode,
        line: householdLine(c, household),
      },
      currentResidence: currentResidence(c, index),
      householdId: householdId(c, household),
    };
  }

  const communeIndex = new Map(communes.map((commune, c) => [commune.code, c]));
  function currentResidence(c: number, index: number): Address | null {
    const key = communeKey(c);
    if (unit(key, index, 18) >= 0.08) return null;
    const siblings = reference.communesByProvince.get(communes[c]!.provinceCode)!;
    if (siblings.length < 2) return null;
    let target = siblings[hash(key, index, 19) % siblings.length]!;
    if (target.code === communes[c]!.code)
      target = siblings[(siblings.indexOf(target) + 1) % siblings.length]!;
    return {
      communeCode: target.code,
      provinceCode: target.provinceCode,
      line: addressLine(target.type === "WARD", hash(key, index, 20)),
    };
  }

  function household(c: number, household: number): Household {
    const commune = communes[c]!;
    const households = householdCount(c);
    const memberIds: string[] = [];
    for (let index = household; index < sizes[c]!; index += households) memberIds.push(citizenId(c, index));
    return {
      id: householdId(c, household),
      headId: memberIds[0]!,
      memberIds,
      communeCode: commune.code,
      provinceCode: commune.provinceCode,
      line: householdLine(c, household),
    };
  }

  function locateHousehold(id: string) {
    const match = /^HK(\d{5})(\d{6})$/.exec(id);
    if (!match) return null;
    const c = communeIndex.get(match[1]!);
    if (c === undefined) return null;
    const number = Number(match[2]);
    return number < householdCount(c) ? { commune: c, household: number } : null;
  }

  const statsCache = new Map<number, PopulationStats>();
  function communeStats(c: number): PopulationStats {
    const cached = statsCache.get(c);
    if (cached) return cached;
    const size = sizes[c]!;
    const male = evensBelow(size);
    const stats: PopulationStats = {
      unitCode: communes[c]!.code,
      total: size,
      male,
      female: size - male,
      households: householdCount(c),
      ageBands: AGE_BANDS.map((band) => {
        const [start, end] = ageRange(c, band.fromAge, band.toAge ?? AGE_LIMIT - 1);
        return { ...band, count: end - start };
      }),
    };
    statsCache.set(c, stats);
    return stats;
  }

  function ageRange(c: number, minAge: number, maxAge: number): [number, number] {
    const base = c * (AGE_LIMIT + 1);
    return [ageStart[base + (AGE_LIMIT - 1 - maxAge)]!, ageStart[base + (AGE_LIMIT - minAge)]!];
  }

  return {
    size: (c) => sizes[c]!,
    householdCount,
    citizen,
    citizenId,
    locate,
    household,
    locateHousehold,
    communeStats,
    ageRange,
  };
}

/** Commune sizes: wards denser than rural communes, scaled so the nation totals about 100 million. */
function communeSizes(communes: Commune[], reference: Reference): Int32Array {
  const raw = communes.map((commune) => {
    const u = unit(Number(commune.code), 3);
    const city = reference.provinceByCode.get(commune.provinceCode)!.type === "CITY";
    if (commune.type === "WARD") return (15_000 + 45_000 * u ** 1.3) * (city ? 1.2 : 1);
    if (commune.type === "SPECIAL_ZONE") return 1_500 + 10_000 * u;
    return 6_000 + 26_000 * u ** 1.5;
  });
  const scale = NATIONAL_POPULATION / raw.reduce((sum, value) => sum + value, 0);
  return Int32Array.from(raw, (value) => Math.round(value * scale));
}
