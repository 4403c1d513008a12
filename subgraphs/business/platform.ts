import type { LoaderSpec } from "../kit/loaders.ts";
import {
  batchLookups,
  groupBy,
  type ListPage,
  PLATFORM_MAX_PAGE,
  unitStatsLookup,
} from "../kit/platformRecords.ts";
import { cacheMaxAge } from "../kit/schema.ts";
import type { UpstreamClient } from "../kit/upstream.ts";

// The business registry (`/business/v1`, sandbox/API.md): record shapes, one loader spec per record kind, and the
// listing call behind the enterprises connection. Each kind stays in the record cache as long as the @cacheControl
// hint of its type in schema.graphql says.

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

const maxAge = cacheMaxAge(new URL("./schema.graphql", import.meta.url));

export function createBusinessPlatform(upstream: UpstreamClient) {
  const { enterprise } = batchLookups(upstream, maxAge, {
    enterprise: { type: "Enterprise", path: "/enterprises", keyOf: (e: EnterpriseRecord) => e.code },
  });

  /** Key: a citizen id; value: the enterprises that citizen legally represents (all pages of one batched listing). */
  const enterprisesByRepresentative: LoaderSpec<EnterpriseRecord[]> = {
    kind: "business.enterprisesByRepresentative",
    ttlSeconds: maxAge("Enterprise"),
    async fetchMany(citizenIds) {
      const items: EnterpriseRecord[] = [];
      let cursor: string | null = null;
      do {
        const page: ListPage<EnterpriseRecord> = await upstream.get<ListPage<EnterpriseRecord>>(
          "/enterprises",
          { representative: citizenIds, limit: PLATFORM_MAX_PAGE, cursor: cursor ?? undefined },
          { route: "/enterprises?representative" },
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return groupBy(citizenIds, items, (e) => e.representativeId ?? "");
    },
  };

  /** Key: province (2 digits) or commune (5 digits) code. */
  const stats = unitStatsLookup<EnterpriseStatsRecord>(upstream, "stats", maxAge("EnterpriseStats"));

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
