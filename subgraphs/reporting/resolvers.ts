import { isCommuneCode, isProvinceCode, isTaskId } from "../../common/identifiers.ts";
import { communeCodeArg, provinceCodeArg, unitCodeArg, yearArg } from "../kit/arguments.ts";
import { fetchConnection, pageArgs } from "../kit/connection.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { prefetchSelected } from "../kit/prefetch.ts";
import { isPresent, loadReferenced, referenceBy } from "../kit/records.ts";
import type {
  ProvinceCommunesArgs,
  ProvinceTaskProgressArgs,
  Resolvers,
} from "./generated/resolvers-types.ts";
import {
  type LegacyUnitPart,
  type Program,
  type ReportingPlatform,
  type TaskCounts,
  taskProgressKey,
} from "./platform.ts";

/** The 2025 reorganisation took effect on 1 July 2025; figures of earlier years were computed for the pre-2025 units. */
const FIRST_YEAR_OF_CURRENT_UNITS = 2025;

/** completed / assigned in percent with 2 decimals, computed on integers so 1954/3430 gives exactly 56.97. */
function completionRate(completed: number, assigned: number): number {
  return assigned === 0 ? 0 : Math.round((completed * 10_000) / assigned) / 100;
}

/** `counts` is null only for a unit the platform has no task record of: nothing assigned. */
function taskProgressOf(program: Program, counts: TaskCounts | null) {
  const { assigned, completed, inProgress, overdue } = counts ?? {
    assigned: 0,
    completed: 0,
    inProgress: 0,
    overdue: 0,
  };
  return {
    program,
    assigned,
    completed,
    inProgress,
    overdue,
    completionRate: completionRate(completed, assigned),
  };
}

export function createReportingResolvers(platform: ReportingPlatform): Resolvers {
  const specs = platform.loaders;

  const unitTaskProgress = async (ctx: SubgraphContext, unitCode: string, program: Program) =>
    taskProgressOf(program, await ctx.loaders.load(specs.taskProgress, taskProgressKey(program, unitCode)));

  /** The Province fields that need only its code: `province(code:)` starts them with the province lookup. */
  const byProvinceCode = {
    communes: async (code: string, { type }: ProvinceCommunesArgs, ctx: SubgraphContext) =>
      (await ctx.loaders.load(specs.communesOfProvince, code, type ?? "")) ?? [],
    taskProgress: async (code: string, { program }: ProvinceTaskProgressArgs, ctx: SubgraphContext) =>
      unitTaskProgress(ctx, code, program),
    platformDeployments: async (code: string, _: unknown, ctx: SubgraphContext) =>
      (await ctx.loaders.load(specs.deployments, code)) ?? [],
  };

  /** A pre-2025 unit's index; only provinces were indexed, and only before they were merged away. */
  const legacyServiceIndex = (ctx: SubgraphContext, unit: { code: string; level: string }, year: number) => {
    yearArg("year", year);
    if (unit.level !== "PROVINCE" || year >= FIRST_YEAR_OF_CURRENT_UNITS) return null;
    return ctx.loaders.load(specs.serviceIndex, unit.code, String(year));
  };

  return {
    Query: {
      provinces: async (_, __, ctx) => (await ctx.loaders.load(specs.provinceList, "all")) ?? [],
      province: (_, { code }, ctx, info) => {
        const key = provinceCodeArg("code", code);
        prefetchSelected(info, key, ctx, byProvinceCode);
        return ctx.loaders.load(specs.province, key);
      },
      commune: (_, { code }, ctx) => ctx.loaders.load(specs.commune, communeCodeArg("code", code)),
      legacyUnit: (_, { code }, ctx) => ctx.loaders.load(specs.legacyUnit, unitCodeArg("code", code)),
      nationalTaskProgress: async (_, { program }, ctx) =>
        taskProgressOf(program, await ctx.loaders.load(specs.nationalTaskProgress, program)),
      platformRollout: async (_, __, ctx) => (await ctx.loaders.load(specs.rollout, "all")) ?? [],
      serviceIndexRanking: async (_, { year }, ctx) =>
        (await ctx.loaders.load(specs.serviceIndexRanking, String(yearArg("year", year)))) ?? [],
    },

    Province: {
      __resolveReference: referenceBy(specs.province, isProvinceCode, "code"),
      mergedFrom: (province): LegacyUnitPart[] =>
        province.mergedFrom.map((unit) => ({
          code: unit.code,
          name: unit.name,
          level: "PROVINCE",
          part: "FULL",
        })),
      communes: (province, args, ctx) => byProvinceCode.communes(province.code, args, ctx),
      taskProgress: (province, args, ctx) => byProvinceCode.taskProgress(province.code, args, ctx),
      tasks: (province, { program, status, first, after }) =>
        fetchConnection(
          (cursor, limit) =>
            platform.tasks(
              { provinceCode: province.code, program: program ?? undefined, status: status ?? undefined },
              cursor,
              limit,
            ),
          pageArgs(first, after),
        ),
      platformDeployments: (province, args, ctx) =>
        byProvinceCode.platformDeployments(province.code, args, ctx),
      indicators: async (province, args, ctx) => {
        const variant = args.year == null ? "" : String(yearArg("year", args.year));
        return (await ctx.loaders.load(specs.indicators, province.code, variant)) ?? [];
      },
      serviceIndex: (province, args, ctx) => {
        const year = yearArg("year", args.year);
        // Before 2025 the same code may have named another province (old 15 was Yên Bái, current 15 is Lào Cai).
        const unchanged = province.mergedFrom.length === 1 && province.mergedFrom[0]?.code === province.code;
        if (year < FIRST_YEAR_OF_CURRENT_UNITS && !unchanged) return null;
        return ctx.loaders.load(specs.serviceIndex, province.code, String(year));
      },
    },

    Commune: {
      __resolveReference: referenceBy(specs.commune, isCommuneCode, "code"),
      province: (commune, _, ctx) =>
        loadReferenced(ctx, specs.province, commune.provinceCode, `province of commune ${commune.code}`),
      mergedFrom: (commune): LegacyUnitPart[] =>
        commune.mergedFrom.map((unit) => ({
          code: unit.code,
          name: unit.name,
          level: "COMMUNE",
          part: unit.part,
        })),
      taskProgress: (commune, { program }, ctx) => unitTaskProgress(ctx, commune.code, program),
    },

    LegacyUnit: {
      serviceIndex: (unit, { year }, ctx) => legacyServiceIndex(ctx, unit, year),
    },

    LegacyUnitResolution: {
      successorProvinces: async (unit, _, ctx) =>
        (await ctx.loaders.loadMany(specs.province, unit.successorProvinceCodes)).filter(isPresent),
      successorCommunes: async (unit, _, ctx) =>
        (await ctx.loaders.loadMany(specs.commune, unit.successorCommuneCodes)).filter(isPresent),
      serviceIndex: (unit, { year }, ctx) => legacyServiceIndex(ctx, unit, year),
    },

    Task: {
      __resolveReference: referenceBy(specs.task, isTaskId, "id"),
      province: (task, _, ctx) =>
        loadReferenced(ctx, specs.province, task.provinceCode, `province of task ${task.id}`),
      commune: (task, _, ctx) =>
        task.communeCode === null ? null : ctx.loaders.load(specs.commune, task.communeCode),
    },
  };
}
