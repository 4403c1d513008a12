import { HttpResponse, http } from "msw";
import { PLATFORM_BASE_URL } from "../reporting/subgraphHarness.ts";

// A small procedure settlement system for the unit tests: a few procedures, dossiers in Nghệ An (40) and Hà Nội (01),
// statistics for any unit code asked.

const BASE = `${PLATFORM_BASE_URL}/procedures/v1`;

export const PROCEDURES = [
  {
    code: "1.001612",
    name: "Đăng ký khai sinh",
    field: "Hộ tịch",
    level: "COMMUNE",
    agency: "COMMUNE_PC",
    processingDays: 1,
    feeVnd: null,
    onlineService: "FULL",
  },
  {
    code: "2.000488",
    name: "Cấp giấy phép",
    field: "Khoa học",
    level: "PROVINCIAL",
    agency: "DOST",
    processingDays: 10,
    feeVnd: 500000,
    onlineService: "PARTIAL",
  },
];

export const CITIZEN_IN_40 = "040085000001";
export const CITIZEN_IN_01 = "001090000002";

function dossier(code: string, provinceCode: string, communeCode: string | null, applicantId: string) {
  return {
    code,
    status: "PROCESSING",
    procedureCode: "1.001612",
    applicant: { kind: "CITIZEN", id: applicantId },
    channel: "ONLINE",
    provinceCode,
    communeCode,
    receivedAt: "2025-11-01T08:00:00+07:00",
    dueAt: "2025-11-03T17:00:00+07:00",
    resolvedAt: null,
    onTime: null,
    overdue: true,
    digitized: true,
    history: [{ at: "2025-11-01T08:00:00+07:00", status: "RECEIVED", note: null }],
  };
}

export const DOSSIERS = [
  dossier("H40-251101-0001", "40", "16000", CITIZEN_IN_40),
  dossier("H40-251101-0002", "40", "16003", CITIZEN_IN_40),
  dossier("H01-251101-0001", "01", "00004", CITIZEN_IN_01),
  // Filed in Hà Nội by the Nghệ An resident: not visible to a caller limited to Nghệ An.
  dossier("H01-251101-0002", "01", "00004", CITIZEN_IN_40),
];

const list = (value: string | null) => (value ? value.split(",") : []);

function page<T>(items: T[], params: URLSearchParams) {
  const offset = Number(params.get("cursor") ?? 0);
  const end = offset + Number(params.get("limit") ?? 50);
  return {
    items: items.slice(offset, end),
    totalCount: items.length,
    nextCursor: end < items.length ? String(end) : null,
  };
}

export const proceduresHandlers = [
  http.get(`${BASE}/procedures`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    const ids = list(params.get("ids"));
    if (ids.length) return HttpResponse.json({ items: PROCEDURES.filter((p) => ids.includes(p.code)) });
    const level = params.get("level");
    return HttpResponse.json(
      page(
        PROCEDURES.filter((p) => !level || p.level === level),
        params,
      ),
    );
  }),
  http.get(`${BASE}/dossiers`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    const ids = list(params.get("ids"));
    if (ids.length) return HttpResponse.json({ items: DOSSIERS.filter((d) => ids.includes(d.code)) });
    const applicants = list(params.get("applicant"));
    const province = params.get("province");
    const commune = params.get("commune");
    const matching = DOSSIERS.filter(
      (d) =>
        (!applicants.length || applicants.includes(d.applicant.id)) &&
        (!province || d.provinceCode === province) &&
        (!commune || d.communeCode === commune),
    );
    return HttpResponse.json(page(matching, params));
  }),
  http.get(`${BASE}/stats`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    const units = [...list(params.get("provinces")), ...list(params.get("communes"))];
    // A period makes the figures smaller, so a test can tell which period was asked.
    const received = params.has("from") || params.has("to") ? 10 : 100;
    return HttpResponse.json({
      items: units.map((unitCode) => ({
        unitCode,
        received,
        resolved: 80,
        resolvedOnTime: 76,
        resolvedLate: 4,
        inProgress: 20,
        overdue: 3,
        onTimeRate: 95,
        onlineRate: 62.5,
        digitizedRate: 88.12,
      })),
    });
  }),
  http.get(`${BASE}/procedure-counts`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    const count = params.get("agency") === "DOST" ? 194 : 1900;
    return HttpResponse.json({
      items: list(params.get("provinces")).map((unitCode) => ({ unitCode, count })),
    });
  }),
];
