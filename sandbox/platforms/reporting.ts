import { isCommuneCode, isProvinceCode, isTaskId } from "../../common/identifiers.ts";
import {
  INDICATORS,
  PLATFORMS,
  PROGRAMS,
  type Program,
  ROLLOUT_ITEMS,
  SERVICE_INDEX_GROUPS,
  TASK_STATUSES,
  type Task,
} from "../generate/reporting.ts";
import { PAGE_PARAMS, page } from "../http/paging.ts";
import { badRequest } from "../http/problem.ts";
import type { ParamSpec } from "../http/query.ts";
import type { Route } from "../http/route.ts";
import {
  arrayOf,
  boolean,
  date,
  enumOf,
  integer,
  itemsOf,
  type JsonSchema,
  nullable,
  number,
  object,
  ref,
  string,
} from "../http/schema.ts";
import type { World } from "../world.ts";
import { batch, collections, communeParam, idsParam, provinceParam, type RecordId } from "./routes.ts";
import { areaFilter, EMPTY_PAGE, PROVINCES_PARAM, requestedUnits, UNIT_PARAMS, unitCodes } from "./units.ts";

const BASE = "/reporting/v1";
const collection = collections("reporting", BASE);
const PROVINCE_CODE: RecordId = { param: "code", valid: isProvinceCode, what: "a 2-digit province code" };
const COMMUNE_CODE: RecordId = { param: "code", valid: isCommuneCode, what: "a 5-digit commune code" };
const LEGACY_CODE: RecordId = {
  param: "code",
  valid: (code) => /^(\d{2}|\d{5})$/.test(code),
  what: "a 2-digit province or 5-digit commune code",
};
const TASK_ID: RecordId = { param: "id", valid: isTaskId, what: "a task id" };

export const reportingSchemas: Record<string, JsonSchema> = {
  Province: object({
    code: string({ pattern: "^\\d{2}$" }),
    name: string(),
    nameEn: string(),
    fullName: string(),
    type: enumOf(["CITY", "PROVINCE"]),
    communeCount: integer({ minimum: 0 }),
    mergedFrom: arrayOf(object({ code: string({ pattern: "^\\d{2}$" }), name: string() })),
  }),
  Commune: object({
    code: string({ pattern: "^\\d{5}$" }),
    name: string(),
    nameEn: string(),
    fullName: string(),
    type: enumOf(["COMMUNE", "WARD", "SPECIAL_ZONE"]),
    provinceCode: string({ pattern: "^\\d{2}$" }),
    mergedFrom: arrayOf(
      object({ code: string({ pattern: "^\\d{5}$" }), name: string(), part: enumOf(["FULL", "PARTIAL"]) }),
    ),
  }),
  LegacyUnit: object({
    code: string(),
    name: string(),
    level: enumOf(["PROVINCE", "COMMUNE"]),
    successorProvinceCodes: arrayOf(string({ pattern: "^\\d{2}$" })),
    successorCommuneCodes: arrayOf(string({ pattern: "^\\d{5}$" })),
  }),
  TaskProgress: object({
    program: enumOf(PROGRAMS),
    assigned: integer({ minimum: 0 }),
    completed: integer({ minimum: 0 }),
    inProgress: integer({ minimum: 0 }),
    overdue: integer({ minimum: 0 }),
  }),
  UnitTaskProgress: object({
    unitCode: string(),
    program: enumOf(PROGRAMS),
    assigned: integer({ minimum: 0 }),
    completed: integer({ minimum: 0 }),
    inProgress: integer({ minimum: 0 }),
    overdue: integer({ minimum: 0 }),
  }),
  Task: object({
    id: string(),
    program: enumOf(PROGRAMS),
    title: string(),
    status: enumOf(TASK_STATUSES),
    dueDate: date(),
    completedOn: nullable(date()),
    provinceCode: string({ pattern: "^\\d{2}$" }),
    communeCode: nullable(string({ pattern: "^\\d{5}$" })),
  }),
  PlatformDeployment: object({
    provinceCode: string(),
    platform: enumOf(PLATFORMS),
    status: enumOf(["DEPLOYED", "PILOT", "PLANNED"]),
    since: nullable(date()),
  }),
  RolloutItemProgress: object({
    item: enumOf(ROLLOUT_ITEMS),
    provincesCompleted: integer({ minimum: 0 }),
    provincesTotal: integer({ minimum: 0 }),
  }),
  ProvinceRolloutItem: object({
    provinceCode: string(),
    item: enumOf(ROLLOUT_ITEMS),
    completed: boolean(),
    completedOn: nullable(date()),
  }),
  IndicatorValue: object({
    unitCode: string(),
    indicator: enumOf(INDICATORS),
    year: integer(),
    value: number(),
    unit: enumOf(["percent"]),
  }),
  ServiceIndexScore: object({
    year: integer(),
    unitCode: string(),
    unitName: string(),
    score: number({ minimum: 0, maximum: 100 }),
    rank: integer({ minimum: 1 }),
    of: integer({ minimum: 1 }),
    components: arrayOf(
      object({ group: enumOf(SERVICE_INDEX_GROUPS), score: number({ minimum: 0 }), maxScore: number() }),
    ),
  }),
};

const programParam = (description: string): ParamSpec => ({
  name: "program",
  description,
  schema: enumOf(PROGRAMS),
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
      answer(query) {
        return batch(query, PROVINCE_CODE, findProvince) ?? { items: reference.provinces };
      },
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
          schema: enumOf(["COMMUNE", "WARD", "SPECIAL_ZONE"]),
        },
      ],
      paged: false,
      answer(query) {
        const ids = query.list("ids", COMMUNE_CODE.valid, COMMUNE_CODE.what);
        const provinces = query.list("provinces", isProvinceCode, "a 2-digit province code");
        const type = query.oneOf("type", ["COMMUNE", "WARD", "SPECIAL_ZONE"] as const);
        if (!ids && !provinces) throw badRequest("one of 'ids' or 'provinces' is required");
        const chosen = ids
          ? ids.flatMap((code) => reference.communeByCode.get(code) ?? [])
          : reference.communes.filter((commune) => provinces!.includes(commune.provinceCode));
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
      answer(query) {
        const found = batch(query, LEGACY_CODE, findLegacyUnit);
        if (!found) throw badRequest("ids: required");
        return found;
      },
      recordSummary: "One pre-2025 unit.",
    }),
    {
      method: "GET",
      path: `${BASE}/task-progress`,
      platform: "reporting",
      summary: "Task progress of a programme per unit (communes carry PLAN_02 tasks only).",
      params: [
        {
          name: "program",
          description:
            "Programme, or a comma-separated list of programmes (required): one call answers every programme a screen shows.",
          schema: string({ pattern: `^(${PROGRAMS.join("|")})(,(${PROGRAMS.join("|")}))*$` }),
        },
        ...UNIT_PARAMS,
      ],
      response: itemsOf(ref("UnitTaskProgress")),
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
    },
    {
      method: "GET",
      path: `${BASE}/task-progress/national`,
      platform: "reporting",
      summary: "Task progress of a programme summed over the 34 provinces.",
      params: [programParam("Programme (required).")],
      response: ref("TaskProgress"),
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
    },
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
        { name: "status", description: "Only tasks in this status.", schema: enumOf(TASK_STATUSES) },
        ...PAGE_PARAMS,
      ],
      paged: true,
      answer(query) {
        const found = batch(query, TASK_ID, reporting.task);
        if (found) return found;
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
        return page(query, chosen.length, (position) => chosen[position]!);
      },
      recordSummary: "One task.",
    }),
    {
      method: "GET",
      path: `${BASE}/platform-deployments`,
      platform: "reporting",
      summary: "The five shared platforms' deployment in each province.",
      params: [PROVINCES_PARAM],
      response: itemsOf(ref("PlatformDeployment")),
      handle({ query }) {
        const provinces = query.list("provinces", isProvinceCode, "a 2-digit province code");
        if (!provinces) throw badRequest("provinces: required");
        return {
          items: provinces
            .filter((code) => reference.provinceByCode.has(code))
            .flatMap(reporting.deployments),
        };
      },
    },
    {
      method: "GET",
      path: `${BASE}/rollout`,
      platform: "reporting",
      summary: "Rollout items: national counts, or each item's state in some provinces (with `provinces`).",
      params: [PROVINCES_PARAM],
      response: { anyOf: [itemsOf(ref("RolloutItemProgress")), itemsOf(ref("ProvinceRolloutItem"))] },
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
    },
    {
      method: "GET",
      path: `${BASE}/indicators`,
      platform: "reporting",
      summary: "Indicators (percent) per unit and year.",
      params: [
        ...UNIT_PARAMS,
        {
          name: "year",
          description: `One of ${reporting.indicatorYears.join(", ")}; both when absent.`,
          schema: integer(),
        },
      ],
      response: itemsOf(ref("IndicatorValue")),
      handle({ query }) {
        const codes = unitCodes(requestedUnits(query, world), world);
        const year = query.integer("year", 1900, 2100);
        const years =
          year === undefined
            ? reporting.indicatorYears
            : reporting.indicatorYears.filter((each) => each === year);
        return { items: codes.flatMap((code) => years.flatMap((each) => reporting.indicators(code, each))) };
      },
    },
    {
      method: "GET",
      path: `${BASE}/service-index`,
      platform: "reporting",
      summary:
        "Decision 766 service index: the ranking of a year (2024: the 63 pre-2025 provinces; 2025: the 34), or some units of it.",
      params: [
        {
          name: "year",
          description: "2024 or 2025 (required).",
          schema: integer({ minimum: 2024, maximum: 2025 }),
        },
        { name: "units", description: "Comma-separated unit codes of that year (≤ 500).", schema: string() },
      ],
      response: itemsOf(ref("ServiceIndexScore")),
      handle({ query }) {
        const year = query.integer("year", 2024, 2025);
        if (year === undefined) throw badRequest("year: required (2024 or 2025)");
        const units = query.list("units", isProvinceCode, "a 2-digit province code");
        const ranking = reporting.serviceIndex(year);
        if (!units) return { items: ranking };
        return { items: units.flatMap((code) => ranking.find((entry) => entry.unitCode === code) ?? []) };
      },
    },
  ];
}
