import { badUserInput } from "../../common/errors.ts";
import {
  isCommuneCode,
  isEnterpriseCode,
  isPersonalId,
  isProcedureCode,
  isProvinceCode,
} from "../../common/identifiers.ts";
import { dateRangeArgs } from "../kit/arguments.ts";
import { arrayPages, fetchConnection, pageArgs } from "../kit/connection.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { referencedRecord } from "../kit/records.ts";
import { communeCodeArg, provinceCodeArg, unitReference } from "../kit/units.ts";
import type { Resolvers } from "./generated/resolvers-types.ts";
import {
  type DossierRecord,
  type DossierStatsRecord,
  type ProceduresPlatform,
  periodVariant,
} from "./platform.ts";
import { assertDossierVisible, canSeeDossier, listingScope, requireDossierRead } from "./visibility.ts";

/**
 * Dossier codes differ between provincial systems (H40-251112-0007, 000.00.15.H40-250101-0001): only the characters
 * are checked here, the platform judges the rest.
 */
const DOSSIER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME_CONTAINS_MAX = 100;

const NO_DOSSIERS: DossierStatsRecord = {
  received: 0,
  resolved: 0,
  resolvedOnTime: 0,
  resolvedLate: 0,
  inProgress: 0,
  overdue: 0,
  onTimeRate: 0,
  onlineRate: 0,
  digitizedRate: 0,
};

interface PageArguments {
  first?: number | null;
  after?: string | null;
}

interface ProcedureFilterInput {
  level?: string | null;
  field?: string | null;
  agency?: string | null;
  provinceCode?: string | null;
  nameContains?: string | null;
}

interface DossierFilterInput {
  provinceCode?: string | null;
  communeCode?: string | null;
  status?: string | null;
  procedureCode?: string | null;
  receivedFrom?: string | null;
  receivedTo?: string | null;
  overdue?: boolean | null;
}

interface PeriodArguments {
  from?: string | null;
  to?: string | null;
}

function procedureCodeArg(name: string, value: string): string {
  if (!isProcedureCode(value)) {
    throw badUserInput(`${name}: '${value}' is not a national procedure code like 1.001612`);
  }
  return value;
}

function dossierCodeArg(name: string, value: string): string {
  if (!DOSSIER_CODE.test(value)) throw badUserInput(`${name}: '${value}' is not a dossier code`);
  return value;
}

function nameContainsArg(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "" || trimmed.length > NAME_CONTAINS_MAX) {
    throw badUserInput(`filter.nameContains: must be 1..${NAME_CONTAINS_MAX} characters`);
  }
  return trimmed;
}

const optional = <T, R>(value: T | null | undefined, check: (value: T) => R): R | undefined =>
  value == null ? undefined : check(value);

export function createProceduresResolvers(platform: ProceduresPlatform): Resolvers {
  const specs = platform.loaders;

  const dossierStats = async (ctx: SubgraphContext, unitCode: string, args: PeriodArguments) => {
    const period = dateRangeArgs(args.from, args.to);
    return (
      (await ctx.loaders.load(specs.dossierStats, unitCode, periodVariant(period.from, period.to))) ??
      NO_DOSSIERS
    );
  };

  /** Every dossier the applicant filed that the caller may see, as a connection. */
  const applicantDossiers = async (ctx: SubgraphContext, applicantId: string, args: PageArguments) => {
    requireDossierRead(ctx.caller);
    const page = pageArgs(args.first, args.after);
    const all = (await ctx.loaders.load(specs.dossiersOfApplicant, applicantId)) ?? [];
    return fetchConnection(arrayPages(all.filter((dossier) => canSeeDossier(ctx.caller, dossier))), page);
  };

  return {
    Query: {
      procedure: (_: unknown, args: { code: string }, ctx: SubgraphContext) =>
        ctx.loaders.load(specs.procedure, procedureCodeArg("code", args.code)),

      procedures: (_: unknown, args: PageArguments & { filter?: ProcedureFilterInput | null }) => {
        const filter = args.filter ?? {};
        const listFilter = {
          level: filter.level ?? undefined,
          field: filter.field ?? undefined,
          agency: filter.agency ?? undefined,
          province: optional(filter.provinceCode, (code) => provinceCodeArg("filter.provinceCode", code)),
          nameContains: optional(filter.nameContains, nameContainsArg),
        };
        return fetchConnection(
          (cursor, limit) => platform.listProcedures(listFilter, cursor, limit),
          pageArgs(args.first, args.after),
        );
      },

      dossier: (_: unknown, args: { code: string }, ctx: SubgraphContext) =>
        ctx.loaders.load(specs.dossier, dossierCodeArg("code", args.code)),

      dossiers: (_: unknown, args: PageArguments & { filter: DossierFilterInput }, ctx: SubgraphContext) => {
        requireDossierRead(ctx.caller);
        const { filter } = args;
        const received = dateRangeArgs(filter.receivedFrom, filter.receivedTo, {
          from: "filter.receivedFrom",
          to: "filter.receivedTo",
        });
        const units = listingScope(ctx.caller, {
          province: optional(filter.provinceCode, (code) => provinceCodeArg("filter.provinceCode", code)),
          commune: optional(filter.communeCode, (code) => communeCodeArg("filter.communeCode", code)),
        });
        if (units.province === undefined && units.commune === undefined) {
          throw badUserInput("filter: name a provinceCode or a communeCode");
        }
        const listFilter = {
          ...units,
          status: filter.status ?? undefined,
          procedure: optional(filter.procedureCode, (code) => procedureCodeArg("filter.procedureCode", code)),
          receivedFrom: received.from ?? undefined,
          receivedTo: received.to ?? undefined,
          overdue: filter.overdue ?? undefined,
        };
        return fetchConnection(
          (cursor, limit) => platform.listDossiers(listFilter, cursor, limit),
          pageArgs(args.first, args.after),
        );
      },
    },

    Procedure: {
      __resolveReference: (ref: { code: string }, ctx: SubgraphContext) =>
        isProcedureCode(ref.code) ? ctx.loaders.load(specs.procedure, ref.code) : null,
    },

    Dossier: {
      __resolveReference: (ref: { code: string }, ctx: SubgraphContext) =>
        DOSSIER_CODE.test(ref.code) ? ctx.loaders.load(specs.dossier, ref.code) : null,
      procedure: async (dossier: DossierRecord, _: unknown, ctx: SubgraphContext) =>
        referencedRecord(
          await ctx.loaders.load(specs.procedure, dossier.procedureCode),
          `procedure ${dossier.procedureCode} of dossier ${dossier.code}`,
        ),
      applicant: (dossier: DossierRecord, _: unknown, ctx: SubgraphContext) => {
        requireDossierRead(ctx.caller);
        assertDossierVisible(ctx.caller, dossier);
        const { kind, id } = dossier.applicant;
        return kind === "CITIZEN" ? { __typename: "Citizen", id } : { __typename: "Enterprise", code: id };
      },
      province: (dossier: DossierRecord) => unitReference(dossier.provinceCode),
      commune: (dossier: DossierRecord) =>
        dossier.communeCode === null ? null : unitReference(dossier.communeCode),
      history: (dossier: DossierRecord, _: unknown, ctx: SubgraphContext) => {
        requireDossierRead(ctx.caller);
        assertDossierVisible(ctx.caller, dossier);
        return dossier.history;
      },
    },

    // The contributed entities carry no record of their own here. References come from other subgraphs' records, so a
    // malformed key cannot be a client's question: it resolves to null instead of failing the whole batch upstream.
    Province: {
      __resolveReference: (ref: { code: string }) => (isProvinceCode(ref.code) ? ref : null),
      dossierStats: (province: { code: string }, args: PeriodArguments, ctx: SubgraphContext) =>
        dossierStats(ctx, province.code, args),
      procedureCount: async (
        province: { code: string },
        args: { agency?: string | null },
        ctx: SubgraphContext,
      ) => (await ctx.loaders.load(specs.procedureCount, province.code, args.agency ?? "")) ?? 0,
    },

    Commune: {
      __resolveReference: (ref: { code: string }) => (isCommuneCode(ref.code) ? ref : null),
      dossierStats: (commune: { code: string }, args: PeriodArguments, ctx: SubgraphContext) =>
        dossierStats(ctx, commune.code, args),
    },

    Citizen: {
      __resolveReference: (ref: { id: string }) => (isPersonalId(ref.id) ? ref : null),
      dossiers: (citizen: { id: string }, args: PageArguments, ctx: SubgraphContext) =>
        applicantDossiers(ctx, citizen.id, args),
    },

    Enterprise: {
      __resolveReference: (ref: { code: string }) => (isEnterpriseCode(ref.code) ? ref : null),
      dossiers: (enterprise: { code: string }, args: PageArguments, ctx: SubgraphContext) =>
        applicantDossiers(ctx, enterprise.code, args),
    },
  };
}
