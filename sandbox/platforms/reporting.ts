import { isCommuneCode, isProvinceCode, isTaskId } from "../../common/identifiers.ts";
import { SERVICE_INDEX_GROUPS } from "../../common/platformRecords.ts";
import {
  INDICATORS,
  PLATFORMS,
  PROGRAMS,
  type Program,
  ROLLOUT_ITEMS,
  TASK_STATUSES,
  type Task,
} from "../generate/reporting.ts";
import { pageOfList } from "../http/paging.ts";
import { badRequest } from "../http/problem.ts";
import type { ParamSpec } from "../http/query.ts";
import type { Route } from "../http/route.ts";
import * as schema from "../http/schema.ts";
import type { World } from "../world.ts";
import { communeParam, idsParam, PROVINCES_PARAM, provinceParam, UNIT_PARAMS } from "./params.ts";
import { platformRoutes, type RecordId } from "./routes.ts";
import { areaFilter, EMPTY_PAGE, requestedUnits, unitCodes } from "./units.ts";

const { get, collection } = platformRoutes("reporting", "/reporting/v1");
const PROVINCE_CODE: RecordId = { param: "code", valid: isProvinceCode, what: "a 2-digit province code" };
const COMMUNE_CODE: RecordId = { param: "code", valid: isCommuneCode, what: "a 5-digit commune code" };
const LEGACY_CODE: RecordId = {
  param: "code",
  valid: (code) => /^(\d{2}|\d{5})$/.test(code),
  what: "a 2-digit province or 5-digit commune code",
};
const TASK_ID: RecordId = { param: "id", valid: isTaskId, what: "a task id" };

const taskProgress = {
  program: schema.enumOf(PROGRAMS),
  ...schema.counts("assigned", "completed", "inProgress", "overdue"),
};

export const reportingSchemas: Record<string, schema.JsonSchema> = {
  Province: schema.object({
    code: schema.string({ pattern: "^\\d{2}$" }),
    name: schema.string(),
    nameEn: schema.string(),
    fullName: schema.string(),
    type: schema.enumOf(["CITY", "PROVINCE"]),
    communeCount: schema.integer({ minimum: 0 }),
    mergedFrom: schema.arrayOf(
      schema.object({ code: schema.string({ pattern: "^\\d{2}$" }), name: schema.string() }),
    ),
  }),
  Commune: schema.object({
    code: schema.string({ pattern: "^\\d{5}$" }),
    name: schema.string(),
    nameEn: schema.string(),
    fullName: schema.string(),
    type: schema.enumOf(["COMMUNE", "WARD", "SPECIAL_ZONE"]),
    provinceCode: schema.string({ pattern: "^\\d{2}$" }),
    mergedFrom: schema.arrayOf(
      schema.object({
        code: schema.string({ pattern: "^\\d{5}$" }),
        name: schema.string(),
        part: schema.enumOf(["FULL", "PARTIAL"]),
      }),
    ),
  }),
  LegacyUnit: schema.object({
    code: schema.string(),
    name: schema.string(),
    level: schema.enumOf(["PROVINCE", "COMMUNE"]),
    successorProvinceCodes: schema.arrayOf(schema.string({ pattern: "^\\d{2}$" })),
    successorCommuneCodes: schema.arrayOf(schema.string({ pattern: "^\\d{5}$" })),
  }),
  TaskProgress: schema.object(taskProgress),
  UnitTaskProgress: schema.object({ unitCode: schema.string(), ...taskProgress }),
  Task: schema.object({
    id: schema.string(),
    program: schema.enumOf(PROGRAMS),
    title: schema.string(),
    status: schema.enumOf(TASK_STATUSES),
    dueDate: schema.date(),
    completedOn: schema.nullable(schema.date()),
    provinceCode: schema.string({ pattern: "^\\d{2}$" }),
    communeCode: schema.nullable(schema.string({ pattern: "^\\d{5}$" })),
  }),
  PlatformDeployment: schema.object({
    provinceCode: schema.string(),
    platform: schema.enumOf(PLATFORMS),
    status: schema.enumOf(["DEPLOYED", "PILOT", "PLANNED"]),
    since: schema.nullable(schema.date()),
  }),
  RolloutItemProgress: schema.object({
    item: schema.enumOf(ROLLOUT_ITEMS),
    provincesCompleted: schema.integer({ minimum: 0 }),
    provincesTotal: schema.integer({ minimum: 0 }),
  }),
  ProvinceRolloutItem: schema.object({
    provinceCode: schema.string(),
    item: schema.enumOf(ROLLOUT_ITEMS),
    completed: schema.boolean(),
    completedOn: schema.nullable(schema.date()),
  }),
  IndicatorValue: schema.object({
    unitCode: schema.string(),
    indicator: schema.enumOf(INDICATORS),
    year: schema.integer(),
    value: schema.number(),
    unit: schema.enumOf(["percent"]),
  }),
  ServiceIndexScore: schema.object({
    year: schema.integer(),
    unitCode: schema.string(),
    unitName: schema.string(),
    score: schema.number({ minimum: 0, maximum: 100 }),
    rank: schema.integer({ minimum: 1 }),
    of: schema.integer({ minimum: 1 }),
    components: schema.arrayOf(
      schema.object({
        group: schema.enumOf(SERVICE_INDEX_GROUPS),
        score: schema.number({ minimum: 0 }),
        maxScore: schema.number(),
      }),
    ),
  }),
};

const programParam = (description: string): ParamSpec => ({
  name: "program",
  description,
  schema: schema.enumOf(PROGRAMS),
});

export function reportingRoutes(world: World): Route[] {
  const { reference, reporting } = world;
  const findProvince = (code: string) => reference.provinceByCode.get(code) ?? null;
  const findCommune = (code: string) => reference.communeByCode.get(code) ?? null;
  const findLegacyUnit = (code: string) => reference.legacyByCode.get(code) ?? null;
  const requireProgram = (program: Program | undefined) => {
    if (!program) throw badRequest("program: required (one of RESOLUTION_57, PLAN_02, PROJECT_06)");
    return program;
  };

  return [
    ...collection({
      name: "provinces",
      schema: "Province",
      id: PROVINCE_CODE,
      find: findProvince,
      summary: "All 34 provinces (ordered by code), or a batch by code.",
      params: [idsParam("Comma-separated province codes (≤ 500).", "^\\d{2}(,\\d{2})*$")],
      paged: false,
      list: () => ({ items: reference.provinces }),
      recordSummary: "One province.",
    }),
    ...collection({
      name: "communes",
      schema: "Commune",
      id: COMMUNE_CODE,
      find: findCommune,
      summary: "Communes by code (batch) or all communes of some provinces, ordered by code.",
      params: [
        idsParam("Comma-separated commune codes (≤ 500).", "^\\d{5}(,\\d{5})*$"),
        PROVINCES_PARAM,
        {
          name: "type",
          description: "Only communes of this type.",
          schema: schema.enumOf(["COMMUNE", "WARD", "SPECIAL_ZONE"]),
        },
      ],
      paged: false,
      list(query) {
        const provinces = query.list("provinces", isProvinceCode, "a 2-digit province code");
        const type = query.oneOf("type", ["COMMUNE", "WARD", "SPECIAL_ZONE"] as const);
        if (!provinces) throw badRequest("one of 'ids' or 'provinces' is required");
        const chosen = reference.communes.filter((commune) => provinces.includes(commune.provinceCode));
        return { items: type ? chosen.filter((commune) => commune.type === type) : chosen };
      },
      recordSummary: "One commune.",
    }),
    ...collection({
      name: "legacy-units",
      schema: "LegacyUnit",
      id: LEGACY_CODE,
      find: findLegacyUnit,
      summary:
        "Pre-2025 provinces (2 digits) and communes (5 digits) with the current units they became part of.",
      params: [idsParam("Comma-separated pre-2025 codes (≤ 500).", "^(\\d{2}|\\d{5})(,(\\d{2}|\\d{5}))*$")],
      paged: false,
      list: () => {
        throw badRequest("ids: required");
      },
      recordSummary: "One pre-2025 unit.",
    }),
    get({
      name: "task-progress",
      summary: "Task progress of a programme per unit (communes carry PLAN_02 tasks only).",
      params: [
        {
          name: "program",
          description:
            "Programme, or a comma-separated list of programmes (required): one call answers every programme a screen shows.",
          schema: schema.string({ pattern: `^(${PROGRAMS.join("|")})(,(${PROGRAMS.join("|")}))*$` }),
        },
        ...UNIT_PARAMS,
      ],
      response: schema.itemsOf(schema.ref("UnitTaskProgress")),
      handle({ query }) {
        const programs = query.list(
          "program",
          (value) => (PROGRAMS as readonly string[]).includes(value),
          `one of ${PROGRAMS.join(", ")}`,
        );
        if (!programs) throw badRequest(`program: required (one of ${PROGRAMS.join(", ")})`);
        const codes = unitCodes(requestedUnits(query, world), world);
        return {
          items: (programs as Program[]).flatMap((program) =>
            codes.map((unitCode) => ({ unitCode, ...reporting.progress(unitCode, program) })),
          ),
        };
      },
    }),
    get({
      name: "task-progress/national",
      summary: "Task progress of a programme summed over the 34 provinces.",
      params: [programParam("Programme (required).")],
      response: schema.ref("TaskProgress"),
      handle({ query }) {
        const program = requireProgram(query.oneOf("program", PROGRAMS));
        const total = { program, assigned: 0, completed: 0, inProgress: 0, overdue: 0 };
        for (const province of reference.provinces) {
          const progress = reporting.progress(province.code, program);
          total.assigned += progress.assigned;
          total.completed += progress.completed;
          total.inProgress += progress.inProgress;
          total.overdue += progress.overdue;
        }
        return total;
      },
    }),
    ...collection({
      name: "tasks",
      schema: "Task",
      id: TASK_ID,
      find: reporting.task,
      summary:
        "Tasks: a batch by id, or the listing of one unit's tasks (province = the province's own tasks; commune = that commune's).",
      params: [
        idsParam("Comma-separated task ids (≤ 500).", "^[A-Z0-9-]+(,[A-Z0-9-]+)*$"),
        provinceParam("The province whose own tasks to list."),
        communeParam("The commune whose tasks to list."),
        programParam("Only this programme."),
        { name: "status", description: "Only tasks in this status.", schema: schema.enumOf(TASK_STATUSES) },
      ],
      paged: true,
      list(query) {
        const area = areaFilter(query, world);
        const program = query.oneOf("program", PROGRAMS);
        const status = query.oneOf("status", TASK_STATUSES);
        if (area && area.province === undefined && area.commune === undefined)
          throw badRequest("one of 'ids', 'province' or 'commune' is required");
        if (!area) return EMPTY_PAGE;
        const { province, commune } = area;
        const unitCode = commune !== undefined ? reference.communes[commune]!.code : province!;
        const tasks: Task[] = (program ? [program] : PROGRAMS).flatMap((each) =>
          reporting.tasks(unitCode, each),
        );
        const chosen = status ? tasks.filter((task) => task.status === status) : tasks;
        return pageOfList(query, chosen);
      },
      recordSummary: "One task.",
    }),
    get({
      name: "platform-deployments",
      summary: "The five shared platforms' deployment in each province.",
      params: [PROVINCES_PARAM],
      response: schema.itemsOf(schema.ref("PlatformDeployment")),
      handle({ query }) {
        const provinces = query.list("provinces", isProvinceCode, "a 2-digit province code");
        if (!provinces) throw badRequest("provinces: required");
        return {
          items: provinces
            .filter((code) => reference.provinceByCode.has(code))
            .flatMap(reporting.deployments),
        };
      },
    }),
    get({
      name: "rollout",
      summary: "Rollout items: national counts, or each item's state in some provinces (with `provinces`).",
      params: [PROVINCES_PARAM],
      response: {
        anyOf: [
          schema.itemsOf(schema.ref("RolloutItemProgress")),
          schema.itemsOf(schema.ref("ProvinceRolloutItem")),
        ],
      },
      handle({ query }) {
        const provinces = query.list("provinces", isProvinceCode, "a 2-digit province code");
        if (provinces) {
          return {
            items: provinces.filter((code) => reference.provinceByCode.has(code)).flatMap(reporting.rollout),
          };
        }
        const all = reference.provinces.flatMap((province) => reporting.rollout(province.code));
        return {
          items: ROLLOUT_ITEMS.map((item) => ({
            item,
            provincesCompleted: all.filter((entry) => entry.item === item && entry.completed).length,
            provincesTotal: reference.provinces.length,
          })),
        };
      },
    }),
    get({
      name: "indicators",
      summary: "Indicators (percent) per unit and year.",
      params: [
        ...UNIT_PARAMS,
        {
          name: "year",
          description: `One of ${reporting.indicatorYears.join(", ")}; both when absent.`,
          schema: schema.integer(),
        },
      ],
      response: schema.itemsOf(schema.ref("IndicatorValue")),
      handle({ query }) {
        const codes = unitCodes(requestedUnits(query, world), world);
        const year = query.integer("year", 1900, 2100);
        const years =
          year === undefined
            ? reporting.indicatorYears
            : reporting.indicatorYears.filter((each) => each === year);
        return { items: codes.flatMap((code) => years.flatMap((each) => reporting.indicators(code, each))) };
      },
    }),
    get({
      name: "service-index",
      summary:
        "Decision 766 service index: the ranking of a year (2024: the 63 pre-2025 provinces; 2025: the 34), or some units of it.",
      params: [
        {
          name: "year",
          description: "2024 or 2025 (required).",
          schema: schema.integer({ minimum: 2024, maximum: 2025 }),
        },
        {
          name: "units",
          description: "Comma-separated unit codes of that year (≤ 500).",
          schema: schema.string(),
        },
      ],
      response: schema.itemsOf(schema.ref("ServiceIndexScore")),
      handle({ query }) {
        const year = query.integer("year", 2024, 2025);
        if (year === undefined) throw badRequest("year: required (2024 or 2025)");
        const units = query.list("units", isProvinceCode, "a 2-digit province code");
        const ranking = reporting.serviceIndex(year);
        if (!units) return { items: ranking };
        return { items: units.flatMap((code) => ranking.find((entry) => entry.unitCode === code) ?? []) };
      },
    }),
  ];
}
