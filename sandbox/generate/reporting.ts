import { SERVICE_INDEX_GROUPS, type ServiceIndexRecord } from "../../common/platformRecords.ts";
import type { Reference } from "../reference.ts";
import { dayOfYmd, formatDay, yearOfDay } from "./dates.ts";
import { hash, unit } from "./prng.ts";

/**
 * The government reporting system: tasks under the three programmes, platform deployments, rollout
 * items, indicators and the Decision 766 service index. Published figures (seed facts) are pinned; the
 * rest is spread around them deterministically so that national sums still come out as published.
 */

export type Program = "RESOLUTION_57" | "PLAN_02" | "PROJECT_06";
export const PROGRAMS: readonly Program[] = ["RESOLUTION_57", "PLAN_02", "PROJECT_06"];
export type TaskStatus = "NOT_STARTED" | "IN_PROGRESS" | "COMPLETED" | "OVERDUE";
export const TASK_STATUSES: readonly TaskStatus[] = ["NOT_STARTED", "IN_PROGRESS", "COMPLETED", "OVERDUE"];
const PROGRAM_PREFIX: Record<Program, string> = { RESOLUTION_57: "R57", PLAN_02: "P02", PROJECT_06: "P06" };

export const PLATFORMS = [
  "PROCEDURE_SETTLEMENT",
  "DOCUMENT_MANAGEMENT",
  "ONLINE_MEETING",
  "DATA_INTEGRATION_SHARING",
  "REPORTING",
] as const;
export const ROLLOUT_ITEMS = [
  "DATA_CENTER_INFRA",
  "PUBLIC_ADMIN_CENTER_NETWORK",
  "NEW_PROCEDURES_ANNOUNCED",
  "COMMUNE_PROCEDURE_INSTRUCTIONS",
  "PROCESSING_PROCEDURES_ISSUED",
  "SERVICE_POINT_ADDRESSES_ANNOUNCED",
  "HOTLINES_ANNOUNCED",
] as const;
export const INDICATORS = [
  "DATA_REUSE_RATE",
  "ONLINE_SUBMISSION_RATE",
  "ON_TIME_RATE",
  "DIGITIZED_DOSSIER_RATE",
  "ONLINE_PAYMENT_RATE",
  "SATISFACTION_RATE",
] as const;
const GROUP_MAX_HUNDREDTHS = [1800, 2000, 2200, 2200, 1800];

/** Published figures (shared/domain/seed-facts.json). */
const NATIONAL_R57 = { assigned: 3430, completed: 1954 };
const PINNED_TASKS: Record<string, Partial<Record<Program, { assigned: number; completed: number }>>> = {
  "40": { RESOLUTION_57: { assigned: 100, completed: 51 }, PLAN_02: { assigned: 16, completed: 16 } },
  "20": { RESOLUTION_57: { assigned: 103, completed: 56 }, PLAN_02: { assigned: 23, completed: 21 } },
};
/** Nghệ An finished all 16 PLAN_02 task groups in every one of its communes. */
const PLAN_02_ALL_COMMUNES_DONE = new Set(["40"]);
const COMMUNE_PLAN_02_GROUPS = 16;
const ROLLOUT_COMPLETED: Record<(typeof ROLLOUT_ITEMS)[number], number> = {
  DATA_CENTER_INFRA: 29,
  PUBLIC_ADMIN_CENTER_NETWORK: 29,
  NEW_PROCEDURES_ANNOUNCED: 17,
  COMMUNE_PROCEDURE_INSTRUCTIONS: 19,
  PROCESSING_PROCEDURES_ISSUED: 14,
  SERVICE_POINT_ADDRESSES_ANNOUNCED: 23,
  HOTLINES_ANNOUNCED: 27,
};
const ROLLOUT_REPORT_DAY = dayOfYmd(2025, 6, 27);
const PINNED_INDICATORS: Record<string, number> = { "40:DATA_REUSE_RATE:2025": 74 };
const PINNED_INDEX_2024 = { unitCode: "10", scoreHundredths: 8559, rank: 8 };
const INDICATOR_RANGES: Record<(typeof INDICATORS)[number], [number, number]> = {
  DATA_REUSE_RATE: [40, 90],
  ONLINE_SUBMISSION_RATE: [40, 85],
  ON_TIME_RATE: [85, 99],
  DIGITIZED_DOSSIER_RATE: [50, 95],
  ONLINE_PAYMENT_RATE: [30, 80],
  SATISFACTION_RATE: [85, 99],
};

const TITLES: Record<Program, string[]> = {
  RESOLUTION_57: [
    "Xây dựng cơ sở dữ liệu chuyên ngành dùng chung của tỉnh",
    "Hoàn thiện hạ tầng trung tâm dữ liệu tỉnh",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Triển khai nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh",
    "Ban hành chương trình phát triển khoa học, công nghệ và đổi mới sáng tạo",
    "Đào tạo kỹ năng số cho cán bộ, công chức cấp xã",
    "Phát triển hệ sinh thái khởi nghiệp đổi mới sáng tạo",
    "Bảo đảm an toàn thông tin cho hệ thống thông tin cấp tỉnh",
    "Triển khai ký số cho cán bộ, công chức",
    "Xây dựng chính quyền số cấp xã",
    "Phổ cập dịch vụ công trực tuyến toàn trình",
    "Kết nối cơ sở dữ liệu quốc gia về dân cư với hệ thống giải quyết thủ tục hành chính",
    "Thúc đẩy thanh toán trực tuyến trong dịch vụ công",
    "Triển khai mạng 5G tại khu công nghiệp và đô thị",
    "Ứng dụng trí tuệ nhân tạo trong chỉ đạo, điều hành",
    "Rà soát, cắt giảm thủ tục hành chính nội bộ",
    "Xây dựng trung tâm điều hành thông minh (IOC)",
    "Phát triển kinh tế số trong doanh nghiệp nhỏ và vừa",
    "Sắp xếp, kiện toàn tổ chức bộ máy phụ trách chuyển đổi số",
    "Huy động nguồn lực xã hội cho khoa học, công nghệ",
  ],
  PLAN_02: [
    "Kiện toàn bộ máy chính quyền địa phương hai cấp",
    "Bố trí trụ sở, trang thiết bị làm việc",
    "Công bố danh mục thủ tục hành chính cấp xã",
    "Vận hành Trung tâm phục vụ hành chính công cấp xã",
    "Cấp tài khoản hệ thống giải quyết thủ tục hành chính",
    "Chuyển giao hồ sơ, dữ liệu từ cấp huyện",
    "Công bố địa chỉ, đường dây nóng tiếp nhận phản ánh",
    "Tập huấn nghiệp vụ cho cán bộ một cửa",
    "Kết nối mạng truyền số liệu chuyên dùng",
    "Triển khai hệ thống quản lý văn bản và điều hành",
    "Triển khai hệ thống họp trực tuyến",
    "Cập nhật dữ liệu dân cư, đất đai phục vụ giải quyết thủ tục",
    "Rà soát quy trình nội bộ giải quyết thủ tục hành chính",
    "Bố trí cán bộ công nghệ thông tin cấp xã",
    "Số hóa hồ sơ lưu trữ chuyển giao",
    "Báo cáo kết quả vận hành mô hình mới",
  ],
  PROJECT_06: [
    "Làm sạch dữ liệu dân cư",
    "Cấp định danh điện tử mức độ 2",
    "Tích hợp VNeID vào dịch vụ công",
    "Số hóa dữ liệu hộ tịch",
    "Chi trả an sinh xã hội không dùng tiền mặt",
    "Khám chữa bệnh bằng căn cước",
    "Kết nối dữ liệu đất đai với dữ liệu dân cư",
    "Xác thực thông tin doanh nghiệp qua định danh điện tử",
    "Triển khai sổ sức khỏe điện tử",
    "Cấp phiếu lý lịch tư pháp trực tuyến",
    "Thu phí, lệ phí qua nền tảng thanh toán",
    "Phát triển mô hình điểm Đề án 06 cấp xã",
  ],
};

export interface Task {
  id: string;
  program: Program;
  title: string;
  status: TaskStatus;
  dueDate: string;
  completedOn: string | null;
  provinceCode: string;
  communeCode: string | null;
}

export interface TaskProgress {
  program: Program;
  assigned: number;
  completed: number;
  inProgress: number;
  overdue: number;
}

export type ServiceIndexScore = ServiceIndexRecord;

export interface Reporting {
  /** Tasks of a unit (province code or commune code) under a programme. */
  tasks(unitCode: string, program: Program): Task[];
  task(id: string): Task | null;
  progress(unitCode: string, program: Program): TaskProgress;
  deployments(
    provinceCode: string,
  ): { provinceCode: string; platform: string; status: string; since: string | null }[];
  rollout(
    provinceCode: string,
  ): { provinceCode: string; item: string; completed: boolean; completedOn: string | null }[];
  indicators(
    unitCode: string,
    year: number,
  ): { unitCode: string; indicator: string; year: number; value: number; unit: "percent" }[];
  serviceIndex(year: number): ServiceIndexScore[];
  readonly indicatorYears: number[];
}

/** Rates the procedure settlement system measured over a year's dossiers; null when it lacks that whole year. */
export type MeasuredRates = (
  unitCode: string,
  year: number,
) => { onTimeRate: number; onlineRate: number; digitizedRate: number } | null;

/** Indicators that are the procedure settlement system's own figures, so dashboards never see two values. */
const MEASURED_INDICATORS: Partial<
  Record<(typeof INDICATORS)[number], "onTimeRate" | "onlineRate" | "digitizedRate">
> = {
  ON_TIME_RATE: "onTimeRate",
  ONLINE_SUBMISSION_RATE: "onlineRate",
  DIGITIZED_DOSSIER_RATE: "digitizedRate",
};

export function createReporting(
  reference: Reference,
  today: number,
  measuredRates: MeasuredRates,
): Reporting {
  const todayYear = yearOfDay(today);
  const provinceCodes = reference.provinces.map((province) => province.code);
  const r57 = allocateResolution57(provinceCodes);

  const plan = (unitCode: string, program: Program): { assigned: number; completed: number } => {
    const key = Number(unitCode);
    if (unitCode.length === 5) {
      if (program !== "PLAN_02") return { assigned: 0, completed: 0 };
      const provinceCode = reference.communeByCode.get(unitCode)!.provinceCode;
      const completed = PLAN_02_ALL_COMMUNES_DONE.has(provinceCode)
        ? COMMUNE_PLAN_02_GROUPS
        : 8 + (hash(key, 0x70) % (COMMUNE_PLAN_02_GROUPS - 7));
      return { assigned: COMMUNE_PLAN_02_GROUPS, completed };
    }
    const pinned = PINNED_TASKS[unitCode]?.[program];
    if (pinned) return pinned;
    if (program === "RESOLUTION_57") return r57.get(unitCode)!;
    const assigned = program === "PLAN_02" ? 16 + (hash(key, 0x71) % 9) : 30 + (hash(key, 0x72) % 31);
    const share = program === "PLAN_02" ? 0.6 + 0.4 * unit(key, 0x73) : 0.5 + 0.45 * unit(key, 0x74);
    return { assigned, completed: Math.round(assigned * share) };
  };

  const taskCache = new Map<string, Task[]>();
  function tasks(unitCode: string, program: Program): Task[] {
    const cacheKey = `${unitCode}:${program}`;
    const cached = taskCache.get(cacheKey);
    if (cached) return cached;
    const { assigned, completed } = plan(unitCode, program);
    const key = Number(unitCode) * 4 + PROGRAMS.indexOf(program);
    const order = Array.from({ length: assigned }, (_, k) => k).sort(
      (a, b) => hash(key, a, 0x75) - hash(key, b, 0x75),
    );
    const isCompleted = new Uint8Array(assigned);
    for (const k of order.slice(0, completed)) isCompleted[k] = 1;
    const yearStart = dayOfYmd(todayYear, 1, 31);
    const yearEnd = dayOfYmd(todayYear, 12, 31);
    const commune = unitCode.length === 5 ? reference.communeByCode.get(unitCode)! : null;
    const titles = TITLES[program];
    const list = Array.from({ length: assigned }, (_, k): Task => {
      const due =
        program === "PLAN_02"
          ? dayOfYmd(todayYear, 7, 1) + (hash(key, k, 0x76) % 184)
          : yearStart + (hash(key, k, 0x76) % (yearEnd - yearStart + 1));
      const round = Math.floor(k / titles.length);
      let status: TaskStatus;
      let completedOn: string | null = null;
      if (isCompleted[k] === 1) {
        status = "COMPLETED";
        const shift = Math.floor(unit(key, k, 0x77) * 40) - 30;
        completedOn = formatDay(Math.max(dayOfYmd(todayYear, 1, 2), Math.min(today, due + shift)));
      } else if (due < today) {
        status = "OVERDUE";
      } else {
        status = unit(key, k, 0x78) < 0.25 ? "NOT_STARTED" : "IN_PROGRESS";
      }
      return {
        id: `${PROGRAM_PREFIX[program]}-${unitCode}-${String(k + 1).padStart(4, "0")}`,
        program,
        title: titles[k % titles.length]! + (round > 0 ? ` (đợt ${round + 1})` : ""),
        status,
        dueDate: formatDay(due),
        completedOn,
        provinceCode: commune ? commune.provinceCode : unitCode,
        communeCode: commune ? commune.code : null,
      };
    });
    taskCache.set(cacheKey, list);
    return list;
  }

  function task(id: string): Task | null {
    const match = /^(R57|P02|P06)-(\d{2}|\d{5})-(\d{4})$/.exec(id);
    if (!match) return null;
    const program = PROGRAMS.find((candidate) => PROGRAM_PREFIX[candidate] === match[1])!;
    const unitCode = match[2]!;
    if (!reference.provinceByCode.has(unitCode) && !reference.communeByCode.has(unitCode)) return null;
    return tasks(unitCode, program)[Number(match[3]) - 1] ?? null;
  }

  function progress(unitCode: string, program: Program): TaskProgress {
    const list = tasks(unitCode, program);
    const completed = list.filter((item) => item.status === "COMPLETED").length;
    return {
      program,
      assigned: list.length,
      completed,
      inProgress: list.length - completed,
      overdue: list.filter((item) => item.status === "OVERDUE").length,
    };
  }

  function deployments(provinceCode: string) {
    const key = Number(provinceCode);
    return PLATFORMS.map((platform, k) => {
      const draw = unit(key, k, 0x80);
      const status = draw < 0.85 ? "DEPLOYED" : draw < 0.95 ? "PILOT" : "PLANNED";
      const since = dayOfYmd(2025, 3, 1) + (hash(key, k, 0x81) % 122);
      return { provinceCode, platform, status, since: status === "PLANNED" ? null : formatDay(since) };
    });
  }

  const rolloutDone = new Map<string, Set<string>>();
  ROLLOUT_ITEMS.forEach((item, k) => {
    const ranked = [...provinceCodes].sort((a, b) => hash(Number(a), k, 0x82) - hash(Number(b), k, 0x82));
    rolloutDone.set(item, new Set(ranked.slice(0, ROLLOUT_COMPLETED[item])));
  });
  function rollout(provinceCode: string) {
    const key = Number(provinceCode);
    return ROLLOUT_ITEMS.map((item, k) => {
      const completed = rolloutDone.get(item)!.has(provinceCode);
      const completedOn = completed ? formatDay(ROLLOUT_REPORT_DAY - (hash(key, k, 0x83) % 43)) : null;
      return { provinceCode, item, completed, completedOn };
    });
  }

  const indicatorYears = [todayYear - 1, todayYear];
  function indicators(unitCode: string, year: number) {
    const key = Number(unitCode) + (unitCode.length === 2 ? 100_000 : 0);
    const measured = measuredRates(unitCode, year);
    return INDICATORS.map((indicator, k) => {
      const [low, high] = INDICATOR_RANGES[indicator];
      const growth = year === todayYear ? 0 : 3 + 4 * unit(key, k, 0x85);
      const drawn = low + (high - low) * unit(key, k, 0x84) - growth;
      const source = MEASURED_INDICATORS[indicator];
      const value =
        PINNED_INDICATORS[`${unitCode}:${indicator}:${year}`] ??
        (source && measured ? measured[source] : Math.round(Math.max(low - 5, drawn) * 10) / 10);
      return { unitCode, indicator, year, value, unit: "percent" as const };
    });
  }

  const rankings = new Map<number, ServiceIndexScore[]>();
  function serviceIndex(year: number): ServiceIndexScore[] {
    const cached = rankings.get(year);
    if (cached) return cached;
    const units =
      year < 2025
        ? reference.legacyProvinces.map((legacy) => ({ code: legacy.code, name: legacy.name }))
        : reference.provinces.map((province) => ({ code: province.code, name: province.fullName }));
    const pinned = year === 2024 ? PINNED_INDEX_2024 : null;
    const ranked = units
      .filter((candidate) => candidate.code !== pinned?.unitCode)
      .sort((a, b) => hash(Number(a.code), year, 0x86) - hash(Number(b.code), year, 0x86));
    if (pinned)
      ranked.splice(pinned.rank - 1, 0, units.find((candidate) => candidate.code === pinned.unitCode)!);
    // Scores descend from the top in steps of 0.10–0.60 points; a pinned score anchors its neighbours.
    const scores = new Array<number>(ranked.length);
    const anchor = pinned ? pinned.rank - 1 : 0;
    scores[anchor] = pinned ? pinned.scoreHundredths : 9250 + (hash(year, 0x87) % 300);
    for (let r = anchor - 1; r >= 0; r--) scores[r] = scores[r + 1]! + 10 + (hash(year, r, 0x88) % 51);
    for (let r = anchor + 1; r < ranked.length; r++)
      scores[r] = scores[r - 1]! - 10 - (hash(year, r, 0x88) % 51);
    const list = ranked.map((entry, r) => ({
      year,
      unitCode: entry.code,
      unitName: entry.name,
      score: scores[r]! / 100,
      rank: r + 1,
      of: ranked.length,
      components: splitScore(scores[r]!, hash(Number(entry.code), year, 0x89)).map((hundredths, g) => ({
        group: SERVICE_INDEX_GROUPS[g]!,
        score: hundredths / 100,
        maxScore: GROUP_MAX_HUNDREDTHS[g]! / 100,
      })),
    }));
    rankings.set(year, list);
    return list;
  }

  return { tasks, task, progress, deployments, rollout, indicators, serviceIndex, indicatorYears };
}

/** Splits RESOLUTION_57's national totals over the provinces whose figures were not published. */
function allocateResolution57(provinceCodes: string[]): Map<string, { assigned: number; completed: number }> {
  const pinned = Object.entries(PINNED_TASKS).flatMap(([code, programs]) =>
    programs.RESOLUTION_57 ? [[code, programs.RESOLUTION_57] as const] : [],
  );
  const others = provinceCodes.filter((code) => !pinned.some(([pinnedCode]) => pinnedCode === code));
  const assignedLeft = NATIONAL_R57.assigned - pinned.reduce((sum, [, figures]) => sum + figures.assigned, 0);
  const completedLeft =
    NATIONAL_R57.completed - pinned.reduce((sum, [, figures]) => sum + figures.completed, 0);
  const assigned = largestRemainder(
    others.map((code) => 0.8 + 0.4 * unit(Number(code), 0x8a)),
    assignedLeft,
  );
  const completedWeights = others.map((code, k) => assigned[k]! * (0.4 + 0.35 * unit(Number(code), 0x8b)));
  const completed = largestRemainder(completedWeights, completedLeft).map((value, k) =>
    Math.min(value, assigned[k]!),
  );
  // Capping cannot bite with these weights, but keep the national sum exact if it ever does.
  let missing = completedLeft - completed.reduce((sum, value) => sum + value, 0);
  for (let k = 0; missing > 0; k = (k + 1) % completed.length) {
    if (completed[k]! < assigned[k]!) {
      completed[k]! += 1;
      missing -= 1;
    }
  }
  const result = new Map<string, { assigned: number; completed: number }>();
  for (const [k, code] of others.entries())
    result.set(code, { assigned: assigned[k]!, completed: completed[k]! });
  return result;
}

function largestRemainder(weights: number[], total: number): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  const exact = weights.map((weight) => (weight * total) / sum);
  const result = exact.map(Math.floor);
  const left = total - result.reduce((acc, value) => acc + value, 0);
  const byRemainder = exact
    .map((value, k) => [value - Math.floor(value), k] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < left; k++) result[byRemainder[k]![1]]! += 1;
  return result;
}

/** Splits a score (hundredths) over the five groups, roughly in proportion to their maxima. */
function splitScore(total: number, key: number): number[] {
  const parts = GROUP_MAX_HUNDREDTHS.map((max, g) =>
    Math.min(max, Math.floor(((total * max) / 10_000) * (0.97 + 0.06 * unit(key, g)))),
  );
  let left = total - parts.reduce((sum, value) => sum + value, 0);
  for (let g = 0; left !== 0; g = (g + 1) % parts.length) {
    const room = left > 0 ? GROUP_MAX_HUNDREDTHS[g]! - parts[g]! : -parts[g]!;
    const change = left > 0 ? Math.min(left, room) : Math.max(left, room);
    parts[g]! += change;
    left -= change;
  }
  return parts;
}
