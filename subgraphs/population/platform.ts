import type { LoaderSpec } from "../kit/loaders.ts";
import { type Items, indexBy, unitCodeParams } from "../kit/platformRecords.ts";
import type { UpstreamClient } from "../kit/upstream.ts";

// The population platform (`/population/v1`, sandbox/API.md): record shapes and one loader spec per record kind.

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

/** SCHEMA.md caching hints: citizens 30 s, statistics 60 s. */
const PERSONAL_TTL_SECONDS = 30;
const STATS_TTL_SECONDS = 60;

export function createPopulationPlatform(upstream: UpstreamClient) {
  const citizen: LoaderSpec<CitizenRecord> = {
    kind: "population.citizen",
    ttlSeconds: PERSONAL_TTL_SECONDS,
    async fetchMany(ids) {
      const { items } = await upstream.get<Items<CitizenRecord>>(
        "/citizens",
        { ids },
        { route: "/citizens" },
      );
      return indexBy(items, (c) => c.id);
    },
  };

  const household: LoaderSpec<HouseholdRecord> = {
    kind: "population.household",
    ttlSeconds: PERSONAL_TTL_SECONDS,
    async fetchMany(ids) {
      const { items } = await upstream.get<Items<HouseholdRecord>>(
        "/households",
        { ids },
        { route: "/households" },
      );
      return indexBy(items, (h) => h.id);
    },
  };

  /** Key: province (2 digits) or commune (5 digits) code. */
  const stats: LoaderSpec<PopulationStatsRecord> = {
    kind: "population.stats",
    ttlSeconds: STATS_TTL_SECONDS,
    async fetchMany(unitCodes) {
      const { items } = await upstream.get<Items<PopulationStatsRecord>>(
        "/stats",
        unitCodeParams(unitCodes),
        {
          route: "/stats",
        },
      );
      return indexBy(items, (s) => s.unitCode);
    },
  };

  return { loaders: { citizen, household, stats } };
}

export type PopulationPlatform = ReturnType<typeof createPopulationPlatform>;
