import { batchLookups, unitStatsLookup } from "../kit/platformRecords.ts";
import { cacheMaxAge } from "../kit/schema.ts";
import type { UpstreamClient } from "../kit/upstream.ts";

// The population platform (`/population/v1`, sandbox/API.md): record shapes and one loader spec per record kind.
// Each kind stays in the record cache as long as the @cacheControl hint of its type in schema.graphql says.

export interface ResidenceRecord {
  communeCode: string;
  provinceCode: string;
  line: string | null;
}

export interface CitizenRecord {
  id: string;
  fullName: string;
  dateOfBirth: string;
  gender: "MALE" | "FEMALE";
  birthProvinceCode: string;
  permanentResidence: ResidenceRecord;
  currentResidence: ResidenceRecord | null;
  householdId: string | null;
}

export interface HouseholdRecord {
  id: string;
  headId: string;
  memberIds: string[];
  communeCode: string;
  provinceCode: string;
  line: string | null;
}

export interface PopulationStatsRecord {
  unitCode: string;
  total: number;
  male: number;
  female: number;
  households: number;
  ageBands: Array<{ fromAge: number; toAge: number | null; count: number }>;
}

const maxAge = cacheMaxAge(new URL("./schema.graphql", import.meta.url));

export function createPopulationPlatform(upstream: UpstreamClient) {
  const { citizen, household } = batchLookups(upstream, maxAge, {
    citizen: { type: "Citizen", path: "/citizens", keyOf: (c: CitizenRecord) => c.id },
    household: { type: "Household", path: "/households", keyOf: (h: HouseholdRecord) => h.id },
  });
  /** Key: province (2 digits) or commune (5 digits) code. */
  const stats = unitStatsLookup<PopulationStatsRecord>(upstream, "stats", maxAge("PopulationStats"));

  return { loaders: { citizen, household, stats } };
}

export type PopulationPlatform = ReturnType<typeof createPopulationPlatform>;
