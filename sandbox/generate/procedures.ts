import type { Reference } from "../reference.ts";
import { foldText } from "./names.ts";
import { cumulative, hash, pickWeighted, unit } from "./prng.ts";

/**
 * The national catalogue of administrative procedures (exactly the 976 published by the ministries for
 * the two-tier model) and which of them each province's bodies have adopted. Đắk Lắk's Department of
 * Science and Technology handles 194, as its people's committee announced.
 */

export type Agency =
  | "DOST"
  | "DOJ"
  | "DOHA"
  | "DOF"
  | "DOC"
  | "DAE"
  | "DOIT"
  | "DOH"
  | "DOET"
  | "DCST"
  | "DERA"
  | "PROVINCIAL_PC"
  | "COMMUNE_PC";
export type ProcedureLevel = "PROVINCIAL" | "COMMUNE";
export type OnlineService = "FULL" | "PARTIAL" | "NONE";

export interface Procedure {
  code: string;
  name: string;
  field: string;
  level: ProcedureLevel;
  agency: Agency;
  processingDays: number;
  feeVnd: number | null;
  onlineService: OnlineService;
}

const AGENCY_FIELDS: Record<Agency, { count: number; fields: string[] }> = {
  DOST: {
    count: 220,
    fields: [
      "hoạt động khoa học và công nghệ",
      "tiêu chuẩn, đo lường, chất lượng",
      "sở hữu trí tuệ",
      "an toàn bức xạ và hạt nhân",
      "bưu chính",
      "viễn thông và Internet",
      "báo chí",
      "xuất bản, in và phát hành",
      "chuyển đổi số",
      "tần số vô tuyến điện",
    ],
  },
  DOJ: {
    count: 75,
    fields: [
      "luật sư",
      "công chứng",
      "lý lịch tư pháp",
      "trợ giúp pháp lý",
      "đấu giá tài sản",
      "giám định tư pháp",
    ],
  },
  DOHA: {
    count: 90,
    fields: [
      "thi đua, khen thưởng",
      "công chức, viên chức",
      "lao động, tiền lương",
      "việc làm",
      "người có công",
      "an toàn, vệ sinh lao động",
    ],
  },
  DOF: {
    count: 75,
    fields: [
      "đăng ký doanh nghiệp",
      "đầu tư tại Việt Nam",
      "quản lý công sản",
      "hợp tác xã",
      "ngân sách nhà nước",
    ],
  },
  DOC: {
    count: 65,
    fields: [
      "hoạt động xây dựng",
      "nhà ở",
      "đường bộ",
      "đăng kiểm phương tiện",
      "quy hoạch xây dựng",
      "đường thủy nội địa",
    ],
  },
  DAE: {
    count: 110,
    fields: [
      "đất đai",
      "môi trường",
      "tài nguyên nước",
      "trồng trọt",
      "thú y",
      "thủy sản",
      "lâm nghiệp",
      "khoáng sản",
    ],
  },
  DOIT: {
    count: 55,
    fields: ["lưu thông hàng hóa trong nước", "điện", "hóa chất", "an toàn thực phẩm", "xúc tiến thương mại"],
  },
  DOH: {
    count: 75,
    fields: [
      "khám bệnh, chữa bệnh",
      "dược phẩm",
      "y tế dự phòng",
      "bảo trợ xã hội",
      "trẻ em",
      "trang thiết bị y tế",
    ],
  },
  DOET: {
    count: 45,
    fields: ["giáo dục và đào tạo", "giáo dục nghề nghiệp", "văn bằng, chứng chỉ", "quy chế thi, tuyển sinh"],
  },
  DCST: {
    count: 60,
    fields: [
      "văn hóa cơ sở",
      "thể dục thể thao",
      "du lịch",
      "gia đình",
      "di sản văn hóa",
      "nghệ thuật biểu diễn",
    ],
  },
  DERA: { count: 16, fields: ["tín ngưỡng, tôn giáo", "công tác dân tộc"] },
  PROVINCIAL_PC: { count: 20, fields: ["tổ chức hành chính", "thanh tra", "tiếp công dân, xử lý đơn"] },
  COMMUNE_PC: {
    count: 70,
    fields: [
      "hộ tịch",
      "chứng thực",
      "bảo trợ xã hội",
      "đất đai",
      "người có công",
      "hòa giải ở cơ sở",
      "thi đua, khen thưởng",
      "nuôi con nuôi",
    ],
  },
};
export const AGENCIES = Object.keys(AGENCY_FIELDS) as Agency[];

const ACTIONS = [
  "Cấp",
  "Cấp lại",
  "Cấp đổi",
  "Điều chỉnh",
  "Gia hạn",
  "Thu hồi",
  "Đăng ký",
  "Thẩm định",
  "Công nhận",
  "Xác nhận",
];
const OBJECTS = ["giấy phép", "giấy chứng nhận", "hồ sơ", "thông báo", "quyết định"];
const PROVINCIAL_DAYS = [3, 5, 7, 10, 15, 20, 30];
const PROVINCIAL_DAYS_WEIGHTS = cumulative([2, 4, 4, 5, 3, 2, 1]);
const COMMUNE_DAYS = [1, 2, 3, 5, 7, 10];
const COMMUNE_DAYS_WEIGHTS = cumulative([3, 2, 4, 4, 2, 1]);
const FEES = [20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 1_500_000];
const ONLINE_LEVELS: readonly OnlineService[] = ["FULL", "PARTIAL", "NONE"];
const ONLINE_WEIGHTS = cumulative([45, 40, 15]);

/** Provinces whose adoption count for an agency is a published figure. */
const PUBLISHED_ADOPTIONS: Record<string, Partial<Record<Agency, number>>> = { "66": { DOST: 194 } };

export interface Catalogue {
  procedures: Procedure[];
  byCode: Map<string, number>;
  foldedNames: string[];
  /** Whether the province's bodies handle procedure number `index`. */
  adopted(provinceCode: string, index: number): boolean;
  /** The procedures of a level a province handles, for picking what a dossier is about. */
  adoptedOfLevel(provinceCode: string, level: ProcedureLevel): number[];
}

export function createCatalogue(reference: Reference): Catalogue {
  const drafts: Omit<Procedure, "code">[] = [];
  for (const agency of AGENCIES) {
    const { count, fields } = AGENCY_FIELDS[agency];
    const level: ProcedureLevel = agency === "COMMUNE_PC" ? "COMMUNE" : "PROVINCIAL";
    for (let k = 0; k < count; k++) {
      const field = fields[k % fields.length]!;
      const variant = Math.floor(k / fields.length);
      const action = ACTIONS[variant % ACTIONS.length]!;
      const object = OBJECTS[Math.floor(variant / ACTIONS.length) % OBJECTS.length]!;
      const key = hash(AGENCIES.indexOf(agency), k, 0x90);
      drafts.push({
        name: `${action} ${object} lĩnh vực ${field}`,
        field: field[0]!.toUpperCase() + field.slice(1),
        level,
        agency,
        processingDays:
          level === "COMMUNE"
            ? pickWeighted(COMMUNE_DAYS, COMMUNE_DAYS_WEIGHTS, unit(key, 1))
            : pickWeighted(PROVINCIAL_DAYS, PROVINCIAL_DAYS_WEIGHTS, unit(key, 1)),
        feeVnd: unit(key, 2) < 0.45 ? null : FEES[hash(key, 3) % FEES.length]!,
        onlineService: pickWeighted(ONLINE_LEVELS, ONLINE_WEIGHTS, unit(key, 4)),
      });
    }
  }
  // Codes are handed out in an order that mixes agencies, as the national database's are.
  const order = drafts.map((_, k) => k).sort((a, b) => hash(a, 0x91) - hash(b, 0x91));
  const procedures: Procedure[] = order.map((draftIndex, k) => ({
    code: `1.00${String(1000 + 8 * k + (hash(k, 0x92) % 8)).padStart(4, "0")}`,
    ...drafts[draftIndex]!,
  }));

  const adoptedSets = new Map<string, Uint8Array>();
  for (const province of reference.provinces) {
    const flags = new Uint8Array(procedures.length);
    const provinceKey = Number(province.code);
    for (const agency of AGENCIES) {
      const own = procedures.flatMap((procedure, index) => (procedure.agency === agency ? [index] : []));
      own.sort((a, b) => hash(provinceKey, a, 0x93) - hash(provinceKey, b, 0x93));
      const share = 0.78 + 0.2 * unit(provinceKey, AGENCIES.indexOf(agency), 0x94);
      const adopt = PUBLISHED_ADOPTIONS[province.code]?.[agency] ?? Math.round(own.length * share);
      for (const index of own.slice(0, adopt)) flags[index] = 1;
    }
    adoptedSets.set(province.code, flags);
  }
  const byLevel = new Map<string, number[]>();

  return {
    procedures,
    byCode: new Map(procedures.map((procedure, index) => [procedure.code, index])),
    foldedNames: procedures.map((procedure) => foldText(procedure.name)),
    adopted: (provinceCode, index) => adoptedSets.get(provinceCode)?.[index] === 1,
    adoptedOfLevel(provinceCode, level) {
      const key = `${provinceCode}:${level}`;
      let found = byLevel.get(key);
      if (!found) {
        const flags = adoptedSets.get(provinceCode)!;
        found = procedures.flatMap((procedure, index) =>
          flags[index] === 1 && procedure.level === level ? [index] : [],
        );
        byLevel.set(key, found);
      }
      return found;
    },
  };
}
