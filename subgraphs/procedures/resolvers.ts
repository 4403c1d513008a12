import { badUserInput } from "../../common/errors.ts";
import { isDossierCode, isProcedureCode } from "../../common/identifiers.ts";
import {
  communeCodeArg,
  dateRangeArgs,
  dossierCodeArg,
  nameContainsArg,
  optionalArg,
  procedureCodeArg,
  provinceCodeArg,
} from "../kit/arguments.ts";
import { fetchConnection, pageArgs } from "../kit/connection.ts";
import type { SubgraphContext } from "../kit/context.ts";
import type { EntityLoads } from "../kit/entityPrefetch.ts";
import { loadReferenced, referenceBy, referencedRecord, stubReference } from "../kit/records.ts";
import { unitEntityLoads, unitReference } from "../kit/units.ts";
import type {
  CitizenDossiersArgs,
  ProvinceDossierStatsArgs,
  Resolvers,
} from "./generated/resolvers-types.ts";
import {
  applicantPageVariant,
  type DossierStatsRecord,
  type ProceduresPlatform,
  periodVariant,
} from "./platform.ts";
import { assertDossierVisible, canSeeDossier, listingScope, requireDossierRead } from "./visibility.ts";

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

/** Province and Commune take the same period arguments (`ProvinceDossierStatsArgs` ≡ `CommuneDossierStatsArgs`). */
function unitDossierStats(platform: ProceduresPlatform) {
  return async (ctx: SubgraphContext, unitCode: string, args: ProvinceDossierStatsArgs) => {
    const period = dateRangeArgs(args.from, args.to);
    return (
      (await ctx.loaders.load(
        platform.loaders.dossierStats,
        unitCode,
        periodVariant(period.from, period.to),
      )) ?? NO_DOSSIERS
    );
  };
}

/** The dossier statistics an `_entities` request for provinces or communes starts before it executes. */
export function createProceduresEntityLoads(platform: ProceduresPlatform): EntityLoads {
  const dossierStats = unitDossierStats(platform);
  return unitEntityLoads({
    dossierStats: (code, args: ProvinceDossierStatsArgs, ctx) => dossierStats(ctx, code, args),
  });
}

export function createProceduresResolvers(platform: ProceduresPlatform): Resolvers {
  const specs = platform.loaders;
  const dossierStats = unitDossierStats(platform);

  /**
   * The dossiers the applicant filed that the caller may see, as a connection paged at the platform: the caller's unit
   * is the listing's filter and `first` its page size (`CitizenDossiersArgs` ≡ `EnterpriseDossiersArgs`).
   */
  const applicantDossiers = (
    ctx: SubgraphContext,
    applicantId: string,
    { first, after }: CitizenDossiersArgs,
  ) => {
    requireDossierRead(ctx.caller);
    const unit = listingScope(ctx.caller, {});
    return fetchConnection(
      async (cursor, limit) => {
        const page = await ctx.loaders.load(
          specs.applicantDossierPage,
          applicantId,
          applicantPageVariant(unit, cursor, limit),
        );
        const listed = referencedRecord(page, "a page of an applicant's dossiers");
        // The platform filtered by the caller's unit; a dossier outside it would tie the applicant to it: never shown.
        if (!listed.items.every((dossier) => canSeeDossier(ctx.caller, dossier))) {
          throw new Error(
            "the dossier listing of an applicant answered a dossier outside the requested unit",
          );
        }
        return listed;
      },
      pageArgs(first, after),
    );
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
      __resolveReference: referenceBy(specs.procedure, isProcedureCode, "code"),
    },

    Dossier: {
      __resolveReference: referenceBy(specs.dossier, isDossierCode, "code"),
      procedure: (dossier, _, ctx) =>
        loadReferenced(ctx, specs.procedure, dossier.procedureCode, `procedure of dossier ${dossier.code}`),
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
      __resolveReference: stubReference.province,
      dossierStats: (province, args, ctx) => dossierStats(ctx, province.code, args),
      procedureCount: async (province, { agency }, ctx) =>
        (await ctx.loaders.load(specs.procedureCount, province.code, agency ?? "")) ?? 0,
    },

    Commune: {
      __resolveReference: stubReference.commune,
      dossierStats: (commune, args, ctx) => dossierStats(ctx, commune.code, args),
    },

    Citizen: {
      __resolveReference: stubReference.citizen,
      dossiers: (citizen, args, ctx) => applicantDossiers(ctx, citizen.id, args),
    },

    Enterprise: {
      __resolveReference: stubReference.enterprise,
      dossiers: (enterprise, args, ctx) => applicantDossiers(ctx, enterprise.code, args),
    },
  };
}
