import { badUserInput } from "../../common/errors.ts";
import {
  isCommuneCode,
  isEnterpriseCode,
  isPersonalId,
  isProcedureCode,
  isProvinceCode,
} from "../../common/identifiers.ts";
import {
  communeCodeArg,
  dateRangeArgs,
  nameContainsArg,
  optionalArg,
  procedureCodeArg,
  provinceCodeArg,
} from "../kit/arguments.ts";
import { arrayPages, fetchConnection, pageArgs } from "../kit/connection.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { referencedRecord } from "../kit/records.ts";
import { unitReference } from "../kit/units.ts";
import type {
  CitizenDossiersArgs,
  ProvinceDossierStatsArgs,
  Resolvers,
} from "./generated/resolvers-types.ts";
import { type DossierStatsRecord, type ProceduresPlatform, periodVariant } from "./platform.ts";
import { assertDossierVisible, canSeeDossier, listingScope, requireDossierRead } from "./visibility.ts";

/**
 * Dossier codes differ between provincial systems (H40-251112-0007, 000.00.15.H40-250101-0001): only the characters
 * are checked here, the platform judges the rest.
 */
const DOSSIER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

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

function dossierCodeArg(name: string, value: string): string {
  if (!DOSSIER_CODE.test(value)) throw badUserInput(`${name}: '${value}' is not a dossier code`);
  return value;
}

export function createProceduresResolvers(platform: ProceduresPlatform): Resolvers {
  const specs = platform.loaders;

  /** Province and Commune take the same period arguments (`ProvinceDossierStatsArgs` ≡ `CommuneDossierStatsArgs`). */
  const dossierStats = async (ctx: SubgraphContext, unitCode: string, args: ProvinceDossierStatsArgs) => {
    const period = dateRangeArgs(args.from, args.to);
    return (
      (await ctx.loaders.load(specs.dossierStats, unitCode, periodVariant(period.from, period.to))) ??
      NO_DOSSIERS
    );
  };

  /** Every dossier the applicant filed that the caller may see, as a connection (`CitizenDossiersArgs` ≡ `EnterpriseDossiersArgs`). */
  const applicantDossiers = async (ctx: SubgraphContext, applicantId: string, args: CitizenDossiersArgs) => {
    requireDossierRead(ctx.caller);
    const page = pageArgs(args.first, args.after);
    const all = (await ctx.loaders.load(specs.dossiersOfApplicant, applicantId)) ?? [];
    return fetchConnection(arrayPages(all.filter((dossier) => canSeeDossier(ctx.caller, dossier))), page);
  };

  return {
    Query: {
      procedure: (_, { code }, ctx) => ctx.loaders.load(specs.procedure, procedureCodeArg("code", code)),

      procedures: (_, { filter, first, after }) => {
        const listFilter = {
          level: filter?.level ?? undefined,
          field: filter?.field ?? undefined,
          agency: filter?.agency ?? undefined,
          province: optionalArg(filter?.provinceCode, (code) => provinceCodeArg("filter.provinceCode", code)),
          nameContains: optionalArg(filter?.nameContains, (text) =>
            nameContainsArg("filter.nameContains", text),
          ),
        };
        return fetchConnection(
          (cursor, limit) => platform.listProcedures(listFilter, cursor, limit),
          pageArgs(first, after),
        );
      },

      dossier: (_, { code }, ctx) => ctx.loaders.load(specs.dossier, dossierCodeArg("code", code)),

      dossiers: (_, { filter, first, after }, ctx) => {
        requireDossierRead(ctx.caller);
        const received = dateRangeArgs(filter.receivedFrom, filter.receivedTo, {
          from: "filter.receivedFrom",
          to: "filter.receivedTo",
        });
        const units = listingScope(ctx.caller, {
          province: optionalArg(filter.provinceCode, (code) => provinceCodeArg("filter.provinceCode", code)),
          commune: optionalArg(filter.communeCode, (code) => communeCodeArg("filter.communeCode", code)),
        });
        if (units.province === undefined && units.commune === undefined) {
          throw badUserInput("filter: name a provinceCode or a communeCode");
        }
        const listFilter = {
          ...units,
          status: filter.status ?? undefined,
          procedure: optionalArg(filter.procedureCode, (code) =>
            procedureCodeArg("filter.procedureCode", code),
          ),
          receivedFrom: received.from ?? undefined,
          receivedTo: received.to ?? undefined,
          overdue: filter.overdue ?? undefined,
        };
        return fetchConnection(
          (cursor, limit) => platform.listDossiers(listFilter, cursor, limit),
          pageArgs(first, after),
        );
      },
    },

    Procedure: {
      __resolveReference: (ref, ctx) =>
        isProcedureCode(ref.code) ? ctx.loaders.load(specs.procedure, ref.code) : null,
    },

    Dossier: {
      __resolveReference: (ref, ctx) =>
        DOSSIER_CODE.test(ref.code) ? ctx.loaders.load(specs.dossier, ref.code) : null,
      procedure: async (dossier, _, ctx) =>
        referencedRecord(
          await ctx.loaders.load(specs.procedure, dossier.procedureCode),
          `procedure ${dossier.procedureCode} of dossier ${dossier.code}`,
        ),
      applicant: (dossier, _, ctx) => {
        requireDossierRead(ctx.caller);
        assertDossierVisible(ctx.caller, dossier);
        const { kind, id } = dossier.applicant;
        return kind === "CITIZEN" ? { __typename: "Citizen", id } : { __typename: "Enterprise", code: id };
      },
      province: (dossier) => unitReference(dossier.provinceCode),
      commune: (dossier) => (dossier.communeCode === null ? null : unitReference(dossier.communeCode)),
      history: (dossier, _, ctx) => {
        requireDossierRead(ctx.caller);
        assertDossierVisible(ctx.caller, dossier);
        return dossier.history;
      },
    },

    // The contributed entities carry no record of their own here. References come from other subgraphs' records, so a
    // malformed key cannot be a client's question: it resolves to null instead of failing the whole batch upstream.
    Province: {
      __resolveReference: (ref) => (isProvinceCode(ref.code) ? ref : null),
      dossierStats: (province, args, ctx) => dossierStats(ctx, province.code, args),
      procedureCount: async (province, { agency }, ctx) =>
        (await ctx.loaders.load(specs.procedureCount, province.code, agency ?? "")) ?? 0,
    },

    Commune: {
      __resolveReference: (ref) => (isCommuneCode(ref.code) ? ref : null),
      dossierStats: (commune, args, ctx) => dossierStats(ctx, commune.code, args),
    },

    Citizen: {
      __resolveReference: (ref) => (isPersonalId(ref.id) ? ref : null),
      dossiers: (citizen, args, ctx) => applicantDossiers(ctx, citizen.id, args),
    },

    Enterprise: {
      __resolveReference: (ref) => (isEnterpriseCode(ref.code) ? ref : null),
      dossiers: (enterprise, args, ctx) => applicantDossiers(ctx, enterprise.code, args),
    },
  };
}
