import { isCommuneCode, isProvinceCode } from "../../common/identifiers.ts";
import { unitCodeArg, yearArg } from "../kit/arguments.ts";
import { fetchConnection, pageArgs } from "../kit/connection.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { isPresent, referencedRecord } from "../kit/records.ts";
import { communeCodeArg, provinceCodeArg } from "../kit/units.ts";
import type { Resolvers } from "./generated/resolvers-types.ts";
import type {
  CommuneRecord,
  LegacyUnitPart,
  LegacyUnitRecord,
  Program,
  ProvinceRecord,
  ReportingPlatform,
  TaskCounts,
  TaskRecord,
} from "./platform.ts";
import { taskProgressKey } from "./platform.ts";

/** The 2025 reorganisation took effect on 1 July 2025; figures of earlier years were computed for the pre-2025 units. */
const FIRST_YEAR_OF_CURRENT_UNITS = 2025;

type TaskStatus = TaskRecord["status"];

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

  /** A pre-2025 unit's index; only provinces were indexed, and only before they were merged away. */
  const legacyServiceIndex = (ctx: SubgraphContext, unit: { code: string; level: string }, year: number) => {
    yearArg("year", year);
    if (unit.level !== "PROVINCE" || year >= FIRST_YEAR_OF_CURRENT_UNITS) return null;
    return ctx.loaders.load(specs.serviceIndex, unit.code, String(year));
  };

  return {
    Query: {
      provinces: async (_: unknown, __: unknown, ctx: SubgraphContext) =>
        (await ctx.loaders.load(specs.provinceList, "all")) ?? [],
      province: (_: unknown, args: { code: string }, ctx: SubgraphContext) =>
        ctx.loaders.load(specs.province, provinceCodeArg("code", args.code)),
      commune: (_: unknown, args: { code: string }, ctx: SubgraphContext) =>
        ctx.loaders.load(specs.commune, communeCodeArg("code", args.code)),
      legacyUnit: (_: unknown, args: { code: string }, ctx: SubgraphContext) =>
        ctx.loaders.load(specs.legacyUnit, unitCodeArg("code", args.code)),
      nationalTaskProgress: async (_: unknown, args: { program: Program }, ctx: SubgraphContext) =>
        taskProgressOf(args.program, await ctx.loaders.load(specs.nationalTaskProgress, args.program)),
      platformRollout: async (_: unknown, __: unknown, ctx: SubgraphContext) =>
        (await ctx.loaders.load(specs.rollout, "all")) ?? [],
      serviceIndexRanking: async (_: unknown, args: { year: number }, ctx: SubgraphContext) =>
        (await ctx.loaders.load(specs.serviceIndexRanking, String(yearArg("year", args.year)))) ?? [],
    },

    Province: {
      // References come from other subgraphs' records; a malformed one cannot exist, so it must not fail the batch.
      __resolveReference: (ref: { code: string }, ctx: SubgraphContext) =>
        isProvinceCode(ref.code) ? ctx.loaders.load(specs.province, ref.code) : null,
      mergedFrom: (province: ProvinceRecord): LegacyUnitPart[] =>
        province.mergedFrom.map((unit) => ({
          code: unit.code,
          name: unit.name,
          level: "PROVINCE",
          part: "FULL",
        })),
      communes: async (province: ProvinceRecord, args: { type?: string | null }, ctx: SubgraphContext) =>
        (await ctx.loaders.load(specs.communesOfProvince, province.code, args.type ?? "")) ?? [],
      taskProgress: (province: ProvinceRecord, args: { program: Program }, ctx: SubgraphContext) =>
        unitTaskProgress(ctx, province.code, args.program),
      tasks: (
        province: ProvinceRecord,
        args: {
          program?: Program | null;
          status?: TaskStatus | null;
          first?: number | null;
          after?: string | null;
        },
      ) =>
        fetchConnection(
          (cursor, limit) =>
            platform.tasks(
              {
                provinceCode: province.code,
                program: args.program ?? undefined,
                status: args.status ?? undefined,
              },
              cursor,
              limit,
            ),
          pageArgs(args.first, args.after),
        ),
      platformDeployments: async (province: ProvinceRecord, _: unknown, ctx: SubgraphContext) =>
        (await ctx.loaders.load(specs.deployments, province.code)) ?? [],
      indicators: async (province: ProvinceRecord, args: { year?: number | null }, ctx: SubgraphContext) => {
        const variant = args.year == null ? "" : String(yearArg("year", args.year));
        return (await ctx.loaders.load(specs.indicators, province.code, variant)) ?? [];
      },
      serviceIndex: (province: ProvinceRecord, args: { year: number }, ctx: SubgraphContext) => {
        const year = yearArg("year", args.year);
        // Before 2025 the same code may have named another province (old 15 was Yên Bái, current 15 is Lào Cai).
        const unchanged = province.mergedFrom.length === 1 && province.mergedFrom[0]?.code === province.code;
        if (year < FIRST_YEAR_OF_CURRENT_UNITS && !unchanged) return null;
        return ctx.loaders.load(specs.serviceIndex, province.code, String(year));
      },
    },

    Commune: {
      __resolveReference: (ref: { code: string }, ctx: SubgraphContext) =>
        isCommuneCode(ref.code) ? ctx.loaders.load(specs.commune, ref.code) : null,
      province: async (commune: CommuneRecord, _: unknown, ctx: SubgraphContext) =>
        referencedRecord(
          await ctx.loaders.load(specs.province, commune.provinceCode),
          `province ${commune.provinceCode} of commune ${commune.code}`,
        ),
      mergedFrom: (commune: CommuneRecord): LegacyUnitPart[] =>
        commune.mergedFrom.map((unit) => ({
          code: unit.code,
          name: unit.name,
          level: "COMMUNE",
          part: unit.part,
        })),
      taskProgress: (commune: CommuneRecord, args: { program: Program }, ctx: SubgraphContext) =>
        unitTaskProgress(ctx, commune.code, args.program),
    },

    LegacyUnit: {
      serviceIndex: (unit: LegacyUnitPart, args: { year: number }, ctx: SubgraphContext) =>
        legacyServiceIndex(ctx, unit, args.year),
    },

    LegacyUnitResolution: {
      successorProvinces: async (unit: LegacyUnitRecord, _: unknown, ctx: SubgraphContext) =>
        (await ctx.loaders.loadMany(specs.province, unit.successorProvinceCodes)).filter(isPresent),
      successorCommunes: async (unit: LegacyUnitRecord, _: unknown, ctx: SubgraphContext) =>
        (await ctx.loaders.loadMany(specs.commune, unit.successorCommuneCodes)).filter(isPresent),
      serviceIndex: (unit: LegacyUnitRecord, args: { year: number }, ctx: SubgraphContext) =>
        legacyServiceIndex(ctx, unit, args.year),
    },

    Task: {
      __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => ctx.loaders.load(specs.task, ref.id),
      province: async (task: TaskRecord, _: unknown, ctx: SubgraphContext) =>
        referencedRecord(
          await ctx.loaders.load(specs.province, task.provinceCode),
          `province ${task.provinceCode} of task ${task.id}`,
        ),
      commune: (task: TaskRecord, _: unknown, ctx: SubgraphContext) =>
        task.communeCode === null ? null : ctx.loaders.load(specs.commune, task.communeCode),
    },
  };
}
