import type { DossierRecord } from "../../common/platformRecords.ts";
import type { LoaderSpec } from "../kit/loaders.ts";
import {
  batchLookups,
  type Items,
  type ListPage,
  oneCallPerKey,
  unitStatsLookup,
} from "../kit/platformRecords.ts";
import { cacheMaxAge } from "../kit/schema.ts";
import type { UpstreamClient } from "../kit/upstream.ts";

// The procedure settlement system (`/procedures/v1`, sandbox/API.md): record shapes, one loader spec per record
// kind, and the listings. Each kind stays in the record cache as long as the @cacheControl hint of its type in
// schema.graphql says.

export interface ProcedureRecord {
  code: string;
  name: string;
  field: string;
  level: "PROVINCIAL" | "COMMUNE";
  agency: string;
  processingDays: number;
  feeVnd: number | null;
  onlineService: "FULL" | "PARTIAL" | "NONE";
}

export type { DossierEventRecord, DossierRecord } from "../../common/platformRecords.ts";

/** The applicants as this subgraph knows them: only their keys (population and business own the rest). */
export interface CitizenRef {
  id: string;
}

export interface EnterpriseRef {
  code: string;
}

export interface DossierStatsRecord {
  received: number;
  resolved: number;
  resolvedOnTime: number;
  resolvedLate: number;
  inProgress: number;
  overdue: number;
  onTimeRate: number;
  onlineRate: number;
  digitizedRate: number;
}

export interface ProcedureListFilter {
  level?: string;
  field?: string;
  agency?: string;
  province?: string;
  nameContains?: string;
}

export interface DossierListFilter {
  province?: string;
  commune?: string;
  status?: string;
  procedure?: string;
  receivedFrom?: string;
  receivedTo?: string;
  overdue?: boolean;
}

const maxAge = cacheMaxAge(new URL("./schema.graphql", import.meta.url));

/** The variant key of a statistics period; the loader keeps each period apart. */
export function periodVariant(from: string | null, to: string | null): string {
  return `${from ?? ""}..${to ?? ""}`;
}

function periodOf(variant: string): { from?: string; to?: string } {
  const [from = "", to = ""] = variant.split("..");
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** The unit a listing is limited to (visibility.ts `listingScope`): none for a national caller. */
export interface UnitScope {
  province?: string;
  commune?: string;
}

interface ApplicantPage {
  unit: UnitScope;
  cursor: string | null;
  limit: number;
}

/** The variant key of one page of an applicant's dossiers; the loader keeps each unit, cursor and size apart. */
export function applicantPageVariant(unit: UnitScope, cursor: string | null, limit: number): string {
  return JSON.stringify({ unit, cursor, limit } satisfies ApplicantPage);
}

function applicantPageOf(variant: string): ApplicantPage {
  return JSON.parse(variant) as ApplicantPage;
}

export function createProceduresPlatform(upstream: UpstreamClient) {
  const { procedure, dossier } = batchLookups(upstream, maxAge, {
    procedure: { type: "Procedure", path: "/procedures", keyOf: (p: ProcedureRecord) => p.code },
    dossier: { type: "Dossier", path: "/dossiers", keyOf: (d: DossierRecord) => d.code },
  });
  /** Key: province or commune code; variant: `periodVariant(from, to)`. */
  const dossierStats = unitStatsLookup<DossierStatsRecord & { unitCode: string }>(
    upstream,
    "dossierStats",
    maxAge("DossierStats"),
    "/stats",
    periodOf,
  );

  /** Key: province code; variant: agency or "" for all. */
  const procedureCount: LoaderSpec<number> = {
    kind: "procedures.procedureCount",
    ttlSeconds: maxAge("Province"),
    async fetchMany(provinceCodes, agency) {
      const { items } = await upstream.get<Items<{ unitCode: string; count: number }>>("/procedure-counts", {
        provinces: provinceCodes,
        agency: agency === "" ? undefined : agency,
      });
      return new Map(items.map((c) => [c.unitCode, c.count]));
    },
  };

  /**
   * Key: a citizen id or enterprise code; variant: `applicantPageVariant(unit, cursor, limit)`. One platform page of
   * the dossiers they filed within the caller's unit, as long as the connection asks (its `first`): an applicant's
   * dossiers are never loaded whole, however many there are.
   */
  const applicantDossierPage = oneCallPerKey<ListPage<DossierRecord>>(
    { kind: "procedures.applicantDossierPage", ttlSeconds: maxAge("DossierConnection") },
    (applicant, variant) => {
      const { unit, cursor, limit } = applicantPageOf(variant);
      return upstream.get<ListPage<DossierRecord>>(
        "/dossiers",
        { applicant, ...unit, limit, cursor: cursor ?? undefined },
        { route: "/dossiers?applicant" },
      );
    },
  );

  return {
    loaders: { procedure, dossier, dossierStats, procedureCount, applicantDossierPage },

    listProcedures(filter: ProcedureListFilter, cursor: string | null, limit: number) {
      return upstream.get<ListPage<ProcedureRecord>>("/procedures", {
        ...filter,
        limit,
        cursor: cursor ?? undefined,
      });
    },

    listDossiers(filter: DossierListFilter, cursor: string | null, limit: number) {
      return upstream.get<ListPage<DossierRecord>>("/dossiers", {
        ...filter,
        limit,
        cursor: cursor ?? undefined,
      });
    },
  };
}

export type ProceduresPlatform = ReturnType<typeof createProceduresPlatform>;
