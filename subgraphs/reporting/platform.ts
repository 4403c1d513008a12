import type { ServiceIndexRecord } from "../../common/platformRecords.ts";
import type { LoaderSpec } from "../kit/loaders.ts";
import {
  batchLookups,
  groupBy,
  type Items,
  indexBy,
  type ListPage,
  oneCallPerKey,
  unitCodeParams,
} from "../kit/platformRecords.ts";
import { cacheMaxAge } from "../kit/schema.ts";
import type { UpstreamClient } from "../kit/upstream.ts";

// The reporting platform (`/reporting/v1`, sandbox/API.md): record shapes, one loader spec per record kind, and the
// calls that are not keyed by record (national figures, rankings, listings). Each kind stays in the record cache as
// long as the @cacheControl hint of its type in schema.graphql says.

export type Program = "RESOLUTION_57" | "PLAN_02" | "PROJECT_06";

export interface ProvinceRecord {
  code: string;
  name: string;
  nameEn: string;
  fullName: string;
  type: "CITY" | "PROVINCE";
  communeCount: number;
  mergedFrom: Array<{ code: string; name: string }>;
}

export interface CommuneRecord {
  code: string;
  name: string;
  nameEn: string;
  fullName: string;
  type: "COMMUNE" | "WARD" | "SPECIAL_ZONE";
  provinceCode: string;
  mergedFrom: Array<{ code: string; name: string; part: "FULL" | "PARTIAL" }>;
}

export interface LegacyUnitRecord {
  code: string;
  name: string;
  level: "PROVINCE" | "COMMUNE";
  successorProvinceCodes: string[];
  successorCommuneCodes: string[];
}

/** A pre-2025 unit as one part of a current unit (an entry of Province/Commune.mergedFrom). */
export interface LegacyUnitPart {
  code: string;
  name: string;
  level: "PROVINCE" | "COMMUNE";
  part: "FULL" | "PARTIAL";
}

export interface TaskCounts {
  assigned: number;
  completed: number;
  inProgress: number;
  overdue: number;
}

export interface TaskProgressRecord extends TaskCounts {
  program: Program;
}

export interface TaskRecord {
  id: string;
  program: Program;
  title: string;
  status: "NOT_STARTED" | "IN_PROGRESS" | "COMPLETED" | "OVERDUE";
  dueDate: string | null;
  completedOn: string | null;
  provinceCode: string;
  communeCode: string | null;
}

export interface DeploymentRecord {
  provinceCode: string;
  platform: string;
  status: "DEPLOYED" | "PILOT" | "PLANNED";
  since: string | null;
}

export interface IndicatorRecord {
  unitCode: string;
  indicator: string;
  year: number;
  value: number;
  unit: string;
}

export type { ServiceIndexRecord } from "../../common/platformRecords.ts";

export interface RolloutRecord {
  item: string;
  provincesCompleted: number;
  provincesTotal: number;
}

export interface TaskFilter {
  provinceCode: string;
  program?: Program;
  status?: TaskRecord["status"];
}

const maxAge = cacheMaxAge(new URL("./schema.graphql", import.meta.url));

export function createReportingPlatform(upstream: UpstreamClient) {
  const { province, commune, legacyUnit, task } = batchLookups(upstream, maxAge, {
    province: { type: "Province", path: "/provinces", keyOf: (p: ProvinceRecord) => p.code },
    commune: { type: "Commune", path: "/communes", keyOf: (c: CommuneRecord) => c.code },
    legacyUnit: {
      type: "LegacyUnitResolution",
      path: "/legacy-units",
      keyOf: (u: LegacyUnitRecord) => u.code,
    },
    task: { type: "Task", path: "/tasks", keyOf: (t: TaskRecord) => t.id },
  });

  /** Key: province code; variant: commune type or "" for all. */
  const communesOfProvince: LoaderSpec<CommuneRecord[]> = {
    kind: "reporting.provinceCommunes",
    ttlSeconds: maxAge("Commune"),
    async fetchMany(provinceCodes, type) {
      const { items } = await upstream.get<Items<CommuneRecord>>("/communes", {
        provinces: provinceCodes,
        type: type === "" ? undefined : type,
      });
      return groupBy(provinceCodes, items, (c) => c.provinceCode);
    },
  };

  /**
   * Key: `<program>:<unit code>` (taskProgressKey). The programme is part of the key, not a variant, so a screen
   * showing several programmes (the IOC dashboard: RESOLUTION_57 and PLAN_02) costs one platform call, not one each.
   */
  const taskProgress: LoaderSpec<TaskProgressRecord> = {
    kind: "reporting.taskProgress",
    ttlSeconds: maxAge("TaskProgress"),
    async fetchMany(keys) {
      const programs = new Set<string>();
      const unitCodes = new Set<string>();
      for (const key of keys) {
        const [program, unitCode] = key.split(":") as [string, string];
        programs.add(program);
        unitCodes.add(unitCode);
      }
      const { items } = await upstream.get<Items<TaskProgressRecord & { unitCode: string; program: string }>>(
        "/task-progress",
        { program: [...programs], ...unitCodeParams([...unitCodes]) },
      );
      return indexBy(items, (p) => taskProgressKey(p.program, p.unitCode));
    },
  };

  const deployments: LoaderSpec<DeploymentRecord[]> = {
    kind: "reporting.deployments",
    ttlSeconds: maxAge("PlatformDeployment"),
    async fetchMany(provinceCodes) {
      const { items } = await upstream.get<Items<DeploymentRecord>>("/platform-deployments", {
        provinces: provinceCodes,
      });
      return groupBy(provinceCodes, items, (d) => d.provinceCode);
    },
  };

  /** Key: province or commune code; variant: year or "" for every year. */
  const indicators: LoaderSpec<IndicatorRecord[]> = {
    kind: "reporting.indicators",
    ttlSeconds: maxAge("IndicatorValue"),
    async fetchMany(unitCodes, year) {
      const { items } = await upstream.get<Items<IndicatorRecord>>("/indicators", {
        ...unitCodeParams(unitCodes),
        year: year === "" ? undefined : year,
      });
      return groupBy(unitCodes, items, (i) => i.unitCode);
    },
  };

  /** Key: the unit code the index was computed for (pre-2025 codes for years before 2025); variant: year. */
  const serviceIndex: LoaderSpec<ServiceIndexRecord> = {
    kind: "reporting.serviceIndex",
    ttlSeconds: maxAge("ServiceIndexScore"),
    async fetchMany(unitCodes, year) {
      const { items } = await upstream.get<Items<ServiceIndexRecord>>("/service-index", {
        year,
        units: unitCodes,
      });
      return indexBy(items, (s) => s.unitCode);
    },
  };

  // Calls that answer one whole figure per key (a programme, a year): cached like records, one call per key.

  /** Key: "all". */
  const provinceList = oneCallPerKey(
    { kind: "reporting.provinceList", ttlSeconds: maxAge("Province") },
    async () => (await upstream.get<Items<ProvinceRecord>>("/provinces")).items,
  );

  /** Key: program. */
  const nationalTaskProgress = oneCallPerKey(
    { kind: "reporting.nationalTaskProgress", ttlSeconds: maxAge("TaskProgress") },
    (program) => upstream.get<TaskProgressRecord>("/task-progress/national", { program }),
  );

  /** Key: "all". */
  const rollout = oneCallPerKey(
    { kind: "reporting.rollout", ttlSeconds: maxAge("RolloutItemProgress") },
    async () => (await upstream.get<Items<RolloutRecord>>("/rollout")).items,
  );

  /** Key: year. */
  const serviceIndexRanking = oneCallPerKey(
    { kind: "reporting.serviceIndexRanking", ttlSeconds: maxAge("ServiceIndexScore") },
    async (year) => (await upstream.get<Items<ServiceIndexRecord>>("/service-index", { year })).items,
  );

  return {
    loaders: {
      province,
      commune,
      communesOfProvince,
      legacyUnit,
      task,
      taskProgress,
      deployments,
      indicators,
      serviceIndex,
      provinceList,
      nationalTaskProgress,
      rollout,
      serviceIndexRanking,
    },

    async tasks(filter: TaskFilter, cursor: string | null, limit: number): Promise<ListPage<TaskRecord>> {
      return upstream.get<ListPage<TaskRecord>>("/tasks", {
        province: filter.provinceCode,
        program: filter.program,
        status: filter.status,
        limit,
        cursor: cursor ?? undefined,
      });
    },
  };
}

export type ReportingPlatform = ReturnType<typeof createReportingPlatform>;

export function taskProgressKey(program: string, unitCode: string): string {
  return `${program}:${unitCode}`;
}
