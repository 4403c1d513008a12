import { HttpResponse, http } from "msw";
import { PLATFORM_BASE_URL } from "./subgraphHarness.ts";

// A small reporting platform for the unit tests: Nghệ An (40) with 130 communes, Hà Nội (01) unchanged since 2025,
// and Lào Cai (15) formed from old Lào Cai (10) and Yên Bái (15).

const BASE = `${PLATFORM_BASE_URL}/reporting/v1`;

export const PROVINCES = [
  {
    code: "01",
    name: "Hà Nội",
    nameEn: "Hanoi",
    fullName: "Thành phố Hà Nội",
    type: "CITY",
    communeCount: 0,
    mergedFrom: [{ code: "01", name: "Thành phố Hà Nội" }],
  },
  {
    code: "15",
    name: "Lào Cai",
    nameEn: "Lao Cai",
    fullName: "Tỉnh Lào Cai",
    type: "PROVINCE",
    communeCount: 0,
    mergedFrom: [
      { code: "10", name: "Tỉnh Lào Cai" },
      { code: "15", name: "Tỉnh Yên Bái" },
    ],
  },
  {
    code: "40",
    name: "Nghệ An",
    nameEn: "Nghe An",
    fullName: "Tỉnh Nghệ An",
    type: "PROVINCE",
    communeCount: 130,
    mergedFrom: [{ code: "40", name: "Tỉnh Nghệ An" }],
  },
];

export const NGHE_AN_COMMUNES = Array.from({ length: 130 }, (_, i) => {
  const code = String(16_000 + i * 3).padStart(5, "0");
  return {
    code,
    name: `Xã ${i + 1}`,
    nameEn: `Commune ${i + 1}`,
    fullName: `Xã ${i + 1}`,
    type: i % 10 === 0 ? "WARD" : "COMMUNE",
    provinceCode: "40",
    mergedFrom: [
      { code: String(20_000 + i).padStart(5, "0"), name: `Xã cũ ${i + 1}`, part: i % 2 ? "FULL" : "PARTIAL" },
    ],
  };
});

export const NGHE_AN_TASKS = Array.from({ length: 45 }, (_, i) => ({
  id: `T40-${String(i + 1).padStart(3, "0")}`,
  program: "RESOLUTION_57",
  title: `Task ${i + 1}`,
  status: i % 3 === 0 ? "COMPLETED" : "IN_PROGRESS",
  dueDate: "2025-12-31",
  completedOn: i % 3 === 0 ? "2025-10-01" : null,
  provinceCode: "40",
  communeCode: i < 5 ? NGHE_AN_COMMUNES[i]!.code : null,
}));

const SERVICE_INDEX_2024 = [
  { code: "01", name: "Thành phố Hà Nội", score: 90.1, rank: 1 },
  { code: "10", name: "Tỉnh Lào Cai", score: 85.59, rank: 8 },
  { code: "15", name: "Tỉnh Yên Bái", score: 80.02, rank: 20 },
].map((unit) => ({
  year: 2024,
  unitCode: unit.code,
  unitName: unit.name,
  score: unit.score,
  rank: unit.rank,
  of: 63,
  components: [{ group: "TRANSPARENCY", score: 15, maxScore: 18 }],
}));

const list = (value: string | null) => (value ? value.split(",") : []);

function taskCounts(unitCode: string, program: string) {
  const assigned = unitCode.length === 2 ? 100 : program === "PLAN_02" ? 16 : 0;
  const completed = unitCode.length === 2 ? 51 : assigned;
  return { unitCode, program, assigned, completed, inProgress: assigned - completed, overdue: 0 };
}

export const reportingHandlers = [
  http.get(`${BASE}/provinces`, ({ request }) => {
    const ids = list(new URL(request.url).searchParams.get("ids"));
    return HttpResponse.json({
      items: ids.length ? PROVINCES.filter((p) => ids.includes(p.code)) : PROVINCES,
    });
  }),
  http.get(`${BASE}/communes`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    const ids = list(params.get("ids"));
    const provinces = list(params.get("provinces"));
    const type = params.get("type");
    const items = NGHE_AN_COMMUNES.filter((c) =>
      ids.length ? ids.includes(c.code) : provinces.includes(c.provinceCode) && (!type || c.type === type),
    );
    return HttpResponse.json({ items });
  }),
  http.get(`${BASE}/legacy-units`, ({ request }) => {
    const ids = list(new URL(request.url).searchParams.get("ids"));
    const known = [
      {
        code: "10",
        name: "Tỉnh Lào Cai",
        level: "PROVINCE",
        successorProvinceCodes: ["15"],
        successorCommuneCodes: [],
      },
    ];
    return HttpResponse.json({ items: known.filter((u) => ids.includes(u.code)) });
  }),
  http.get(`${BASE}/task-progress/national`, ({ request }) => {
    const program = new URL(request.url).searchParams.get("program");
    return HttpResponse.json({ program, assigned: 3430, completed: 1954, inProgress: 1476, overdue: 120 });
  }),
  http.get(`${BASE}/task-progress`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    const units = [...list(params.get("provinces")), ...list(params.get("communes"))];
    return HttpResponse.json({
      items: list(params.get("program")).flatMap((program) => units.map((unit) => taskCounts(unit, program))),
    });
  }),
  http.get(`${BASE}/tasks`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    const ids = list(params.get("ids"));
    if (ids.length) return HttpResponse.json({ items: NGHE_AN_TASKS.filter((t) => ids.includes(t.id)) });
    const matching = NGHE_AN_TASKS.filter((t) => t.provinceCode === params.get("province"));
    const offset = Number(params.get("cursor") ?? 0);
    const limit = Number(params.get("limit") ?? 50);
    const end = offset + limit;
    return HttpResponse.json({
      items: matching.slice(offset, end),
      totalCount: matching.length,
      nextCursor: end < matching.length ? String(end) : null,
    });
  }),
  http.get(`${BASE}/service-index`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    const units = list(params.get("units"));
    const scores = params.get("year") === "2024" ? SERVICE_INDEX_2024 : [];
    return HttpResponse.json({
      items: units.length ? scores.filter((s) => units.includes(s.unitCode)) : scores,
    });
  }),
  http.get(`${BASE}/platform-deployments`, ({ request }) => {
    const provinces = list(new URL(request.url).searchParams.get("provinces"));
    return HttpResponse.json({
      items: provinces.map((provinceCode) => ({
        provinceCode,
        platform: "REPORTING",
        status: "DEPLOYED",
        since: "2025-07-01",
      })),
    });
  }),
  http.get(`${BASE}/indicators`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    const provinces = list(params.get("provinces"));
    const years = params.get("year") ? [Number(params.get("year"))] : [2024, 2025];
    return HttpResponse.json({
      items: provinces.flatMap((unitCode) =>
        years.map((year) => ({ unitCode, indicator: "DATA_REUSE_RATE", year, value: 74, unit: "percent" })),
      ),
    });
  }),
  http.get(`${BASE}/rollout`, () =>
    HttpResponse.json({ items: [{ item: "DATA_CENTER_INFRA", provincesCompleted: 29, provincesTotal: 34 }] }),
  ),
];
