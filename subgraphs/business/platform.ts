import type { LoaderSpec } from "../kit/loaders.ts";
import { groupBy, type Items, indexBy, type ListPage, unitCodeParams } from "../kit/platformRecords.ts";
import type { UpstreamClient } from "../kit/upstream.ts";

// The business registry (`/business/v1`, sandbox/API.md): record shapes, one loader spec per record kind, and the
// listing call behind the enterprises connection.

export type EnterpriseStatus = "ACTIVE" | "SUSPENDED" | "DISSOLVING" | "DISSOLVED" | "BANKRUPT";

export interface IndustryRecord {
  code: string;
  name: string;
}

export interface HeadOfficeRecord {
  communeCode: string;
  provinceCode: string;
  line: string | null;
}

export interface EnterpriseRecord {
  code: string;
  name: string;
  internationalName: string | null;
  legalForm: "SINGLE_MEMBER_LLC" | "MULTI_MEMBER_LLC" | "JOINT_STOCK" | "PARTNERSHIP" | "PRIVATE_ENTERPRISE";
  status: EnterpriseStatus;
  foundedOn: string;
  charterCapitalVnd: number | null;
  industry: IndustryRecord;
  headOffice: HeadOfficeRecord;
  representativeId: string | null;
}

export interface EnterpriseStatsRecord {
  unitCode: string;
  total: number;
  active: number;
  suspended: number;
  dissolved: number;
  registeredThisYear: number;
}

/** A citizen as the business subgraph knows one: by key only (the population subgraph owns the rest). */
export interface CitizenRef {
  id: string;
}

export interface EnterpriseListFilter {
  province?: string;
  commune?: string;
  status?: EnterpriseStatus;
  industry?: string;
  nameContains?: string;
}

/** SCHEMA.md caching hints: registry records 300 s, statistics 60 s. */
const REGISTRY_TTL_SECONDS = 300;
const STATS_TTL_SECONDS = 60;
const PLATFORM_PAGE_LIMIT = 500;

export function createBusinessPlatform(upstream: UpstreamClient) {
  const enterprise: LoaderSpec<EnterpriseRecord> = {
    kind: "business.enterprise",
    ttlSeconds: REGISTRY_TTL_SECONDS,
    async fetchMany(codes) {
      const { items } = await upstream.get<Items<EnterpriseRecord>>(
        "/enterprises",
        { ids: codes },
        { route: "/enterprises" },
      );
      return indexBy(items, (e) => e.code);
    },
  };

  /** Key: a citizen id; value: the enterprises that citizen legally represents (all pages of one batched listing). */
  const enterprisesByRepresentative: LoaderSpec<EnterpriseRecord[]> = {
    kind: "business.enterprisesByRepresentative",
    ttlSeconds: REGISTRY_TTL_SECONDS,
    async fetchMany(citizenIds) {
      const items: EnterpriseRecord[] = [];
      let cursor: string | null = null;
      do {
        const page: ListPage<EnterpriseRecord> = await upstream.get<ListPage<EnterpriseRecord>>(
          "/enterprises",
          { representative: citizenIds, limit: PLATFORM_PAGE_LIMIT, cursor: cursor ?? undefined },
          { route: "/enterprises?representative" },
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return groupBy(citizenIds, items, (e) => e.representativeId ?? "");
    },
  };

  /** Key: province (2 digits) or commune (5 digits) code. */
  const stats: LoaderSpec<EnterpriseStatsRecord> = {
    kind: "business.stats",
    ttlSeconds: STATS_TTL_SECONDS,
    async fetchMany(unitCodes) {
      const { items } = await upstream.get<Items<EnterpriseStatsRecord>>(
        "/stats",
        unitCodeParams(unitCodes),
        {
          route: "/stats",
        },
      );
      return indexBy(items, (s) => s.unitCode);
    },
  };

  return {
    loaders: { enterprise, enterprisesByRepresentative, stats },
    listEnterprises: (filter: EnterpriseListFilter, cursor: string | null, limit: number) =>
      upstream.get<ListPage<EnterpriseRecord>>(
        "/enterprises",
        { ...filter, cursor: cursor ?? undefined, limit },
        { route: "/enterprises?filter" },
      ),
  };
}

export type BusinessPlatform = ReturnType<typeof createBusinessPlatform>;
