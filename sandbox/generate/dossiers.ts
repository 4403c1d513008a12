import type { DossierChannel, DossierRecord, DossierStatus } from "../../common/platformRecords.ts";
import type { Reference } from "../reference.ts";
import { addWorkingDays, formatDay, formatLocalMinute, MINUTES_PER_DAY, weekdayOfDay } from "./dates.ts";
import type { EnterpriseRef, Enterprises } from "./enterprises.ts";
import type { CitizenRef, Population } from "./population.ts";
import { createSlotAssignment, hash, type SlotAssignment, unit } from "./prng.ts";
import type { Catalogue } from "./procedures.ts";
import { runOf } from "./runs.ts";

/**
 * Dossiers received over the year up to "today", per unit: each commune (commune-level procedures) and
 * each province (provincial procedures, commune null). A unit's dossiers are numbered by receiving day
 * and sequence; everything about a dossier — procedure, channel, timeline, applicant — derives from that,
 * and status, on-time and overdue follow from the timeline and "today". Per-unit aggregates are kept as
 * per-day prefix sums, so statistics over any date range cost O(1) per unit once the unit has been seen.
 */

export const WINDOW_DAYS = 366;
export const DOSSIER_STATUSES: readonly DossierStatus[] = [
  "RECEIVED",
  "PROCESSING",
  "SUPPLEMENT_REQUESTED",
  "PAYMENT_PENDING",
  "RESOLVED",
  "RETURNED",
  "REJECTED",
  "WITHDRAWN",
];
const NOTES: Record<DossierStatus, string> = {
  RECEIVED: "Tiếp nhận hồ sơ",
  PROCESSING: "Chuyển xử lý",
  SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
  PAYMENT_PENDING: "Chờ thực hiện nghĩa vụ tài chính",
  RESOLVED: "Trả kết quả",
  RETURNED: "Trả lại hồ sơ không đủ điều kiện giải quyết",
  REJECTED: "Từ chối giải quyết",
  WITHDRAWN: "Người nộp rút hồ sơ",
};
/** Working hours in which counters receive dossiers: 07:30–17:00. */
const OPENING_MINUTE = 450;
const OPEN_MINUTES = 570;
const CLOSING_MINUTE = OPENING_MINUTE + OPEN_MINUTES;

/** Moves a moment into that day's working hours; monotone, so event order and on-time outcomes hold. */
function withinWorkingHours(localMinute: number): number {
  const dayStart = Math.floor(localMinute / MINUTES_PER_DAY) * MINUTES_PER_DAY;
  return Math.min(dayStart + CLOSING_MINUTE, Math.max(dayStart + OPENING_MINUTE, localMinute));
}

export type Dossier = DossierRecord;

/** A dossier's coordinates: unit (communes first, then provinces, in reference order), day, sequence. */
export interface DossierRef {
  unit: number;
  day: number;
  seq: number;
}

/** What a dossier's timeline is made of; the events and the status follow from it and "now". */
interface Outline {
  key: number;
  procedure: number;
  channel: DossierChannel;
  digitized: boolean;
  received: number;
  due: number;
  /** When it ends with `outcome` (possibly after "now"). */
  end: number;
  outcome: DossierStatus;
}

export const STAT_FIELDS = [
  "received",
  "resolved",
  "resolvedOnTime",
  "resolvedLate",
  "inProgress",
  "overdue",
  "online",
  "digitized",
] as const;
type StatField = (typeof STAT_FIELDS)[number];
export type DossierCounts = Record<StatField, number>;

const percent = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part * 10_000) / whole) / 100;

/** The rates the platform publishes, in percent with 2 decimals (0 when there is nothing to divide). */
export function dossierRates(counts: DossierCounts) {
  return {
    onTimeRate: percent(counts.resolvedOnTime, counts.resolved),
    onlineRate: percent(counts.online, counts.received),
    digitizedRate: percent(counts.digitized, counts.received),
  };
}

export interface Dossiers {
  readonly firstDay: number;
  /** Dossiers of a unit: the prefix sums of its per-day counts (length WINDOW_DAYS + 1). */
  dayPrefix(unit: number): Int32Array;
  refAt(unit: number, position: number): DossierRef;
  dossier(ref: DossierRef): Dossier;
  locate(code: string): DossierRef | null;
  /** The filterable facts of a dossier, cheaper than the record. */
  facts(ref: DossierRef): { status: DossierStatus; procedure: number; overdue: boolean };
  /** The units whose dossiers count for a province (its own and its communes') or a commune; [] if unknown. */
  unitsOf(unitCode: string): number[];
  /** Counts of the dossiers the units received on days [fromDay, toDay] (window-relative, inclusive). */
  counts(units: readonly number[], fromDay: number, toDay: number): DossierCounts;
  ofCitizen(citizen: CitizenRef): DossierRef[];
  ofEnterprise(enterprise: EnterpriseRef): DossierRef[];
  /**
   * Builds every unit's aggregates in the background, yielding to the event loop between units, so that the first
   * national statistics request (all 34 provinces: every dossier of the year) is answered in milliseconds.
   */
  warmUp(): Promise<void>;
}

export interface DossierDeps {
  population: Population;
  enterprises: Enterprises;
  catalogue: Catalogue;
}

export function createDossiers(reference: Reference, deps: DossierDeps, today: number): Dossiers {
  const { population, enterprises, catalogue } = deps;
  const { communes, provinces } = reference;
  const communeCount = communes.length;
  const unitCount = communeCount + provinces.length;
  const firstDay = today - (WINDOW_DAYS - 1);
  const now = today * MINUTES_PER_DAY + MINUTES_PER_DAY - 1;
  const communeIndex = new Map(communes.map((commune, c) => [commune.code, c]));
  const provinceIndex = new Map(provinces.map((province, p) => [province.code, p]));
  const provinceCommunes = provinces.map((province) =>
    reference.communesByProvince.get(province.code)!.map((commune) => communeIndex.get(commune.code)!),
  );
  const positionInProvince = new Int32Array(communeCount);
  for (const list of provinceCommunes) {
    for (const [pos, c] of list.entries()) positionInProvince[c] = pos;
  }

  const isCommuneUnit = (u: number) => u < communeCount;
  const unitCode = (u: number) => (isCommuneUnit(u) ? communes[u]!.code : provinces[u - communeCount]!.code);
  const unitProvinceCode = (u: number) =>
    isCommuneUnit(u) ? communes[u]!.provinceCode : provinces[u - communeCount]!.code;
  const unitKey = (u: number) =>
    isCommuneUnit(u) ? Number(communes[u]!.code) : 100_000 + Number(unitCode(u));

  const dailyRate = (u: number) => {
    if (isCommuneUnit(u)) return population.size(u) / 9_000;
    const province = provinces[u - communeCount]!;
    return (
      (25 + 40 * unit(unitKey(u), 0xd1)) *
      (province.type === "CITY" ? 1.8 : 1) *
      (province.communeCount / 100)
    );
  };

  const prefixes = new Map<number, Int32Array>();
  function dayPrefix(u: number): Int32Array {
    let prefix = prefixes.get(u);
    if (prefix) return prefix;
    prefix = new Int32Array(WINDOW_DAYS + 1);
    const rate = dailyRate(u);
    const key = unitKey(u);
    for (let d = 0; d < WINDOW_DAYS; d++) {
      const weekday = weekdayOfDay(firstDay + d);
      const factor = weekday === 0 ? 0 : weekday === 6 ? 0.3 : 1;
      prefix[d + 1] = prefix[d]! + Math.round(rate * factor * (0.6 + 0.8 * unit(key, d, 0xd0)));
    }
    prefixes.set(u, prefix);
    return prefix;
  }

  const candidatesByUnit: (number[] | undefined)[] = [];
  const candidates = (u: number) =>
    (candidatesByUnit[u] ??= catalogue.adoptedOfLevel(
      unitProvinceCode(u),
      isCommuneUnit(u) ? "COMMUNE" : "PROVINCIAL",
    ));

  const emptyOutline = (): Outline => ({
    key: 0,
    procedure: 0,
    channel: "DIRECT",
    digitized: false,
    received: 0,
    due: 0,
    end: 0,
    outcome: "RECEIVED",
  });

  /** Fills `into` (tallies reuse one object: millions of dossiers would otherwise churn the heap). */
  function outline(u: number, day: number, seq: number, into: Outline = emptyOutline()): Outline {
    const key = hash(unitKey(u), day, seq);
    const prefix = dayPrefix(u);
    const ofDay = prefix[day + 1]! - prefix[day]!;
    const options = candidates(u);
    const procedureIndex = options[hash(key, 1) % options.length]!;
    const procedure = catalogue.procedures[procedureIndex]!;
    const onlineShare =
      procedure.onlineService === "FULL" ? 0.75 : procedure.onlineService === "PARTIAL" ? 0.45 : 0;
    const channelDraw = unit(key, 2);
    const channel: DossierChannel =
      channelDraw < onlineShare ? "ONLINE" : channelDraw > 0.95 ? "POSTAL" : "DIRECT";
    const receivedDay = firstDay + day;
    const minuteOfDay = OPENING_MINUTE + Math.floor(((seq + 0.5) * OPEN_MINUTES) / ofDay);
    const received = receivedDay * MINUTES_PER_DAY + minuteOfDay;
    const due = addWorkingDays(receivedDay, procedure.processingDays) * MINUTES_PER_DAY + minuteOfDay;
    const outcomeDraw = unit(key, 5);
    const outcome: DossierStatus =
      outcomeDraw < 0.88
        ? "RESOLVED"
        : outcomeDraw < 0.93
          ? "RETURNED"
          : outcomeDraw < 0.96
            ? "REJECTED"
            : "WITHDRAWN";
    const timing = unit(key, 7);
    const late = unit(key, 6) < 0.07;
    const span = due - received;
    const end = withinWorkingHours(
      outcome === "WITHDRAWN"
        ? received + Math.floor(span * (0.1 + 0.4 * timing))
        : late
          ? due + 60 + Math.floor(timing * 14 * MINUTES_PER_DAY)
          : received + Math.floor(span * (0.15 + 0.83 * timing)),
    );
    into.key = key;
    into.procedure = procedureIndex;
    into.channel = channel;
    into.digitized = channel === "ONLINE" || unit(key, 3) < 0.7;
    into.received = received;
    into.due = due;
    into.end = end;
    into.outcome = outcome;
    return into;
  }

  /** The events that happened up to "now". */
  function events(line: Outline): { at: number; status: DossierStatus }[] {
    const at = (fraction: number) =>
      withinWorkingHours(line.received + Math.floor((line.end - line.received) * fraction));
    const planned: { at: number; status: DossierStatus }[] = [
      { at: line.received, status: "RECEIVED" },
      { at: at(0.05), status: "PROCESSING" },
    ];
    if (unit(line.key, 8) < 0.12) {
      planned.push({ at: at(0.35), status: "SUPPLEMENT_REQUESTED" }, { at: at(0.55), status: "PROCESSING" });
    }
    if (catalogue.procedures[line.procedure]!.feeVnd !== null && line.outcome === "RESOLVED") {
      planned.push({ at: at(0.85), status: "PAYMENT_PENDING" });
    }
    planned.push({ at: line.end, status: line.outcome });
    return planned.filter((event) => event.at <= now);
  }

  const isOpen = (line: Outline) => line.end > now;
  const resolvedAt = (line: Outline) => (line.end <= now && line.outcome !== "WITHDRAWN" ? line.end : null);
  const isOverdue = (line: Outline) => isOpen(line) && line.due < now;
  const statusOf = (line: Outline) => (isOpen(line) ? events(line).at(-1)!.status : line.outcome);

  const applicantAssignments = new Map<string, SlotAssignment>();
  const assignment = (kind: string, members: number, key: number) => {
    const cacheKey = `${kind}:${key}`;
    let found = applicantAssignments.get(cacheKey);
    if (!found) {
      found = createSlotAssignment(members, hash(key, kind.length, 0xd3));
      applicantAssignments.set(cacheKey, found);
    }
    return found;
  };
  const adults = (c: number) => population.ageRange(c, 18, 99);
  const citizenAssignment = (c: number, provincial: boolean) => {
    const [start, end] = adults(c);
    return assignment(provincial ? "province-citizen" : "citizen", end - start, Number(communes[c]!.code));
  };
  const enterpriseAssignment = (c: number) =>
    assignment("enterprise", enterprises.count(c), Number(communes[c]!.code));
  const provinceEnterpriseAssignment = (provinceCode: string) =>
    assignment("province-enterprise", enterprises.provinceCount(provinceCode), Number(provinceCode));
  const unitTotal = (u: number) => dayPrefix(u)[WINDOW_DAYS]!;

  // Commune dossiers: every 7th slot an enterprise of the commune, the rest its adult citizens.
  // Provincial dossiers: 3 of 5 slots enterprises of the province, 2 of 5 citizens spread over its communes.
  function applicant(u: number, slot: number): { kind: "CITIZEN" | "ENTERPRISE"; id: string } {
    if (isCommuneUnit(u)) {
      if (slot % 7 === 0 && enterprises.count(u) > 0) {
        return { kind: "ENTERPRISE", id: enterprises.code(u, enterpriseAssignment(u).member(slot / 7)) };
      }
      return {
        kind: "CITIZEN",
        id: population.citizenId(u, adults(u)[0] + citizenAssignment(u, false).member(slot)),
      };
    }
    const provinceCode = unitCode(u);
    if (slot % 5 < 3) {
      const ref = enterprises.atProvinceRank(
        provinceCode,
        provinceEnterpriseAssignment(provinceCode).member(slot),
      );
      return { kind: "ENTERPRISE", id: enterprises.code(ref.commune, ref.index) };
    }
    const list = provinceCommunes[u - communeCount]!;
    const citizenSlot = Math.floor(slot / 5) * 2 + ((slot % 5) - 3);
    const c = list[citizenSlot % list.length]!;
    const index = adults(c)[0] + citizenAssignment(c, true).member(Math.floor(citizenSlot / list.length));
    return { kind: "CITIZEN", id: population.citizenId(c, index) };
  }

  function refAt(u: number, position: number): DossierRef {
    const prefix = dayPrefix(u);
    const day = runOf(prefix, WINDOW_DAYS, position);
    return { unit: u, day, seq: position - prefix[day]! };
  }

  const dossierCode = (ref: DossierRef) =>
    `H${unitCode(ref.unit)}-${formatDay(firstDay + ref.day)
      .slice(2)
      .replaceAll("-", "")}-${String(ref.seq).padStart(4, "0")}`;

  function dossier(ref: DossierRef): Dossier {
    const line = outline(ref.unit, ref.day, ref.seq);
    const provinceCode = unitProvinceCode(ref.unit);
    const happened = events(line);
    const resolved = resolvedAt(line);
    return {
      code: dossierCode(ref),
      status: happened.at(-1)!.status,
      procedureCode: catalogue.procedures[line.procedure]!.code,
      applicant: applicant(ref.unit, dayPrefix(ref.unit)[ref.day]! + ref.seq),
      channel: line.channel,
      provinceCode,
      communeCode: isCommuneUnit(ref.unit) ? unitCode(ref.unit) : null,
      receivedAt: formatLocalMinute(line.received),
      dueAt: formatLocalMinute(line.due),
      resolvedAt: resolved === null ? null : formatLocalMinute(resolved),
      onTime: resolved === null ? null : resolved <= line.due,
      overdue: isOverdue(line),
      digitized: line.digitized,
      history: happened.map((event, k) => ({
        at: formatLocalMinute(event.at),
        status: event.status,
        note: event.status === "PROCESSING" && k > 1 ? "Tiếp tục xử lý sau khi bổ sung" : NOTES[event.status],
      })),
    };
  }

  function locate(code: string): DossierRef | null {
    const match = /^H(\d{2}|\d{5})-(\d{2})(\d{2})(\d{2})-(\d{4})$/.exec(code);
    if (!match) return null;
    const u =
      match[1]!.length === 5
        ? communeIndex.get(match[1]!)
        : (provinceIndex.get(match[1]!) ?? -1) + communeCount;
    if (u === undefined || u < 0 || u >= unitCount || (match[1]!.length === 2 && u < communeCount))
      return null;
    const day =
      Date.UTC(2000 + Number(match[2]), Number(match[3]) - 1, Number(match[4])) / 86_400_000 - firstDay;
    if (!Number.isInteger(day) || day < 0 || day >= WINDOW_DAYS) return null;
    const ref = { unit: u, day, seq: Number(match[5]) };
    const prefix = dayPrefix(u);
    if (ref.seq >= prefix[day + 1]! - prefix[day]!) return null;
    return dossierCode(ref) === code ? ref : null;
  }

  // Per unit: for each counted figure, prefix sums over receiving days, in one array (figure-major).
  const stride = WINDOW_DAYS + 1;
  // Half the memory for the (many) units whose yearly total fits 16 bits.
  const tallies = new Map<number, Uint16Array | Int32Array>();
  function tally(u: number): Uint16Array | Int32Array {
    let found = tallies.get(u);
    if (found) return found;
    const prefix = dayPrefix(u);
    found =
      prefix[WINDOW_DAYS]! < 65_536
        ? new Uint16Array(STAT_FIELDS.length * stride)
        : new Int32Array(STAT_FIELDS.length * stride);
    const values = new Int32Array(STAT_FIELDS.length);
    const line = emptyOutline();
    for (let day = 0; day < WINDOW_DAYS; day++) {
      values.fill(0);
      for (let seq = 0; seq < prefix[day + 1]! - prefix[day]!; seq++) {
        outline(u, day, seq, line);
        const resolved = resolvedAt(line);
        values[0]! += 1;
        if (resolved !== null) {
          values[1]! += 1;
          if (resolved <= line.due) values[2]! += 1;
          else values[3]! += 1;
        }
        if (isOpen(line)) values[4]! += 1;
        if (isOverdue(line)) values[5]! += 1;
        if (line.channel === "ONLINE") values[6]! += 1;
        if (line.digitized) values[7]! += 1;
      }
      for (let f = 0; f < STAT_FIELDS.length; f++)
        found[f * stride + day + 1] = found[f * stride + day]! + values[f]!;
    }
    tallies.set(u, found);
    return found;
  }

  function counts(units: readonly number[], fromDay: number, toDay: number): DossierCounts {
    const from = Math.max(0, fromDay);
    const to = Math.min(WINDOW_DAYS - 1, toDay);
    const result = Object.fromEntries(STAT_FIELDS.map((field) => [field, 0])) as DossierCounts;
    if (to < from) return result;
    for (const u of units) {
      const sums = tally(u);
      STAT_FIELDS.forEach((field, f) => {
        result[field] += sums[f * stride + to + 1]! - sums[f * stride + from]!;
      });
    }
    return result;
  }

  function unitsOf(unitCode: string): number[] {
    const commune = communeIndex.get(unitCode);
    if (commune !== undefined) return [commune];
    const province = provinceIndex.get(unitCode);
    if (province === undefined) return [];
    return [communeCount + province, ...provinceCommunes[province]!];
  }

  function ofCitizen(citizen: CitizenRef): DossierRef[] {
    const c = citizen.commune;
    const [start, end] = adults(c);
    if (citizen.index < start || citizen.index >= end) return [];
    const refs: DossierRef[] = [];
    const own = unitTotal(c);
    for (const slot of citizenAssignment(c, false).slotsOf(citizen.index - start, own)) {
      if (slot % 7 !== 0 || enterprises.count(c) === 0) refs.push(refAt(c, slot));
    }
    const provinceCode = communes[c]!.provinceCode;
    const u = communeCount + provinceIndex.get(provinceCode)!;
    const total = unitTotal(u);
    const size = provinceCommunes[u - communeCount]!.length;
    const bound = Math.ceil((total * 2) / 5 / size) + 1;
    for (const t of citizenAssignment(c, true).slotsOf(citizen.index - start, bound)) {
      const citizenSlot = t * size + positionInProvince[c]!;
      const slot = Math.floor(citizenSlot / 2) * 5 + 3 + (citizenSlot % 2);
      if (slot < total) refs.push(refAt(u, slot));
    }
    return refs;
  }

  function ofEnterprise(enterprise: EnterpriseRef): DossierRef[] {
    const c = enterprise.commune;
    const refs: DossierRef[] = [];
    const own = unitTotal(c);
    for (const m of enterpriseAssignment(c).slotsOf(enterprise.index, Math.ceil(own / 7))) {
      if (m * 7 < own) refs.push(refAt(c, m * 7));
    }
    const provinceCode = communes[c]!.provinceCode;
    const u = communeCount + provinceIndex.get(provinceCode)!;
    const total = unitTotal(u);
    for (const slot of provinceEnterpriseAssignment(provinceCode).slotsOf(
      enterprises.provinceRank(enterprise),
      total,
    )) {
      if (slot % 5 < 3) refs.push(refAt(u, slot));
    }
    return refs;
  }

  return {
    firstDay,
    dayPrefix,
    refAt,
    dossier,
    locate,
    facts(ref) {
      const line = outline(ref.unit, ref.day, ref.seq);
      return { status: statusOf(line), procedure: line.procedure, overdue: isOverdue(line) };
    },
    unitsOf,
    counts,
    ofCitizen,
    ofEnterprise,
    async warmUp() {
      for (let u = 0; u < unitCount; u++) {
        tally(u);
        if (u % 16 === 15) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
  };
}
