import { readFileSync } from "node:fs";

/** The administrative units (2025 two-tier model) and the pre-2025 units they were formed from. */

export type ProvinceType = "CITY" | "PROVINCE";
export type CommuneType = "COMMUNE" | "WARD" | "SPECIAL_ZONE";
export type MergePart = "FULL" | "PARTIAL";

export interface Province {
  code: string;
  name: string;
  nameEn: string;
  fullName: string;
  type: ProvinceType;
  communeCount: number;
  mergedFrom: { code: string; name: string }[];
}

export interface Commune {
  code: string;
  name: string;
  nameEn: string;
  fullName: string;
  type: CommuneType;
  provinceCode: string;
  mergedFrom: { code: string; name: string; part: MergePart }[];
}

export interface LegacyUnit {
  code: string;
  name: string;
  level: "PROVINCE" | "COMMUNE";
  successorProvinceCodes: string[];
  successorCommuneCodes: string[];
}

export interface Reference {
  provinces: Province[];
  provinceByCode: Map<string, Province>;
  communes: Commune[];
  communeByCode: Map<string, Commune>;
  communesByProvince: Map<string, Commune[]>;
  legacyByCode: Map<string, LegacyUnit>;
  /** Pre-2025 provinces in code order, with their names. */
  legacyProvinces: { code: string; name: string; successorProvinceCode: string }[];
}

interface AdminUnitsFile {
  provinces: Omit<Province, "communeCount">[];
  communes: Omit<Commune, "mergedFrom">[];
}

interface MergesFile {
  communes: { code: string; provinceCode: string; from: { code: string; name: string; part: string }[] }[];
}

/** A file of `sandbox/data/` (see its LICENSES.md), parsed. */
export function readDataFile<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./data/${name}`, import.meta.url), "utf8")) as T;
}

export function loadReference(): Reference {
  const units = readDataFile<AdminUnitsFile>("admin-units.json");
  const merges = readDataFile<MergesFile>("commune-merges-2025.json");
  const byCode = (a: { code: string }, b: { code: string }) =>
    a.code < b.code ? -1 : a.code > b.code ? 1 : 0;

  const unitCodes = new Set(units.communes.map((commune) => commune.code));
  const mergesByCode = new Map(merges.communes.map((entry) => [entry.code, entry]));
  // Two communes were re-coded after the merge resolutions: pair each leftover merge entry with the
  // leftover unit of the same province.
  const leftoverMerges = merges.communes.filter((entry) => !unitCodes.has(entry.code));
  for (const commune of units.communes) {
    if (mergesByCode.has(commune.code)) continue;
    const match = leftoverMerges.find((entry) => entry.provinceCode === commune.provinceCode);
    if (match) {
      mergesByCode.set(commune.code, match);
      leftoverMerges.splice(leftoverMerges.indexOf(match), 1);
    }
  }

  const communes: Commune[] = units.communes
    .map((commune) => ({
      ...commune,
      mergedFrom: (mergesByCode.get(commune.code)?.from ?? []).map((from) => ({
        code: from.code.padStart(5, "0"),
        name: from.name,
        part: (from.part === "full" ? "FULL" : "PARTIAL") as MergePart,
      })),
    }))
    .sort(byCode);
  const communesByProvince = new Map<string, Commune[]>();
  for (const commune of communes) {
    const list = communesByProvince.get(commune.provinceCode) ?? [];
    list.push(commune);
    communesByProvince.set(commune.provinceCode, list);
  }
  const provinces: Province[] = units.provinces
    .map((province) => ({
      ...province,
      communeCount: communesByProvince.get(province.code)?.length ?? 0,
      mergedFrom: [...province.mergedFrom].sort(byCode),
    }))
    .sort(byCode);

  const legacyByCode = new Map<string, LegacyUnit>();
  const legacyProvinces: Reference["legacyProvinces"] = [];
  for (const province of provinces) {
    for (const old of province.mergedFrom) {
      legacyProvinces.push({ code: old.code, name: old.name, successorProvinceCode: province.code });
      legacyByCode.set(old.code, {
        code: old.code,
        name: old.name,
        level: "PROVINCE",
        successorProvinceCodes: [province.code],
        // The source data maps old communes, not old provinces, to new communes.
        successorCommuneCodes: [],
      });
    }
  }
  legacyProvinces.sort(byCode);
  for (const commune of communes) {
    for (const old of commune.mergedFrom) {
      const existing = legacyByCode.get(old.code);
      if (existing) {
        if (!existing.successorCommuneCodes.includes(commune.code))
          existing.successorCommuneCodes.push(commune.code);
        if (!existing.successorProvinceCodes.includes(commune.provinceCode)) {
          existing.successorProvinceCodes.push(commune.provinceCode);
        }
      } else {
        legacyByCode.set(old.code, {
          code: old.code,
          name: old.name,
          level: "COMMUNE",
          successorProvinceCodes: [commune.provinceCode],
          successorCommuneCodes: [commune.code],
        });
      }
    }
  }

  return {
    provinces,
    provinceByCode: new Map(provinces.map((province) => [province.code, province])),
    communes,
    communeByCode: new Map(communes.map((commune) => [commune.code, commune])),
    communesByProvince,
    legacyByCode,
    legacyProvinces,
  };
}
