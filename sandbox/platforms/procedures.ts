import {
  isDate,
  isDossierCode,
  isEnterpriseCode,
  isPersonalId,
  isProcedureCode,
  isProvinceCode,
} from "../../common/identifiers.ts";
import { dayOf } from "../generate/dates.ts";
import { DOSSIER_STATUSES, type DossierRef, dossierRates, WINDOW_DAYS } from "../generate/dossiers.ts";
import { foldText } from "../generate/names.ts";
import { AGENCIES, type Procedure } from "../generate/procedures.ts";
import { createMatchCache, page, pageOfList } from "../http/paging.ts";
import { badRequest } from "../http/problem.ts";
import type { Query } from "../http/query.ts";
import type { Route } from "../http/route.ts";
import * as schema from "../http/schema.ts";
import type { World } from "../world.ts";
import {
  communeParam,
  idsParam,
  NAME_CONTAINS_PARAM,
  PROVINCES_PARAM,
  provinceParam,
  UNIT_PARAMS,
} from "./params.ts";
import { platformRoutes, type RecordId } from "./routes.ts";
import { createUnitSequence } from "./sequence.ts";
import { areaFilter, EMPTY_PAGE, provinceFilter, requestedUnits, unitCodes } from "./units.ts";

const { get, collection } = platformRoutes("procedures", "/procedures/v1");
const PROCEDURE_CODE: RecordId = {
  param: "code",
  valid: isProcedureCode,
  what: "a procedure code like 1.001612",
};
const DOSSIER_CODE: RecordId = {
  param: "code",
  valid: isDossierCode,
  what: "a dossier code like H40-251112-0007",
};
const isApplicantId = (id: string) => isPersonalId(id) || isEnterpriseCode(id);

export const proceduresSchemas: Record<string, schema.JsonSchema> = {
  Procedure: schema.object({
    code: schema.string({ pattern: "^\\d\\.\\d{6}$" }),
    name: schema.string(),
    field: schema.string(),
    level: schema.enumOf(["PROVINCIAL", "COMMUNE"]),
    agency: schema.enumOf(AGENCIES),
    processingDays: schema.integer({ minimum: 1 }),
    feeVnd: schema.nullable(schema.integer({ minimum: 0 })),
    onlineService: schema.enumOf(["FULL", "PARTIAL", "NONE"]),
  }),
  ProcedureCount: schema.object({ unitCode: schema.string(), count: schema.integer({ minimum: 0 }) }),
  Dossier: schema.object({
    code: schema.string(),
    status: schema.enumOf(DOSSIER_STATUSES),
    procedureCode: schema.string({ pattern: "^\\d\\.\\d{6}$" }),
    applicant: schema.object({
      kind: schema.enumOf(["CITIZEN", "ENTERPRISE"]),
      id: schema.string({ pattern: "^(\\d{12}|\\d{10})$" }),
    }),
    channel: schema.enumOf(["ONLINE", "DIRECT", "POSTAL"]),
    provinceCode: schema.string({ pattern: "^\\d{2}$" }),
    communeCode: schema.nullable(schema.string({ pattern: "^\\d{5}$" })),
    receivedAt: schema.timestamp(),
    dueAt: schema.timestamp(),
    resolvedAt: schema.nullable(schema.timestamp()),
    onTime: schema.nullable(schema.boolean()),
    overdue: schema.boolean(),
    digitized: schema.boolean(),
    history: schema.arrayOf(
      schema.object({
        at: schema.timestamp(),
        status: schema.enumOf(DOSSIER_STATUSES),
        note: schema.string(),
      }),
    ),
  }),
  DossierStats: schema.object({
    unitCode: schema.string(),
    ...schema.counts("received", "resolved", "resolvedOnTime", "resolvedLate", "inProgress", "overdue"),
    onTimeRate: schema.number({ minimum: 0, maximum: 100 }),
    onlineRate: schema.number({ minimum: 0, maximum: 100 }),
    digitizedRate: schema.number({ minimum: 0, maximum: 100 }),
  }),
};

export function proceduresRoutes(world: World): Route[] {
  const { catalogue, dossiers, reference } = world;
  const matches = createMatchCache(8 * 1024 * 1024);

  const findProcedure = (code: string) => {
    const index = catalogue.byCode.get(code);
    return index === undefined ? null : catalogue.procedures[index]!;
  };
  const findDossier = (code: string) => {
    const ref = dossiers.locate(code);
    return ref ? dossiers.dossier(ref) : null;
  };
  /** Window-relative receiving days [from, to] from the `from`/`to`-style parameters. */
  const dayRange = (query: Query, fromName: string, toName: string): [number, number] => {
    const from = query.matching(fromName, isDate, "a date YYYY-MM-DD");
    const to = query.matching(toName, isDate, "a date YYYY-MM-DD");
    return [
      from === undefined ? 0 : dayOf(from) - dossiers.firstDay,
      to === undefined ? WINDOW_DAYS - 1 : dayOf(to) - dossiers.firstDay,
    ];
  };
  const statsOf = (unitCode: string, fromDay: number, toDay: number) => {
    const counts = dossiers.counts(dossiers.unitsOf(unitCode), fromDay, toDay);
    return {
      unitCode,
      received: counts.received,
      resolved: counts.resolved,
      resolvedOnTime: counts.resolvedOnTime,
      resolvedLate: counts.resolvedLate,
      inProgress: counts.inProgress,
      overdue: counts.overdue,
      ...dossierRates(counts),
    };
  };

  return [
    ...collection({
      name: "procedures",
      schema: "Procedure",
      id: PROCEDURE_CODE,
      find: findProcedure,
      summary: "Procedures by code (batch), or the catalogue filtered (all filters optional).",
      params: [
        idsParam("Comma-separated procedure codes (≤ 500)."),
        {
          name: "level",
          description: "PROVINCIAL or COMMUNE.",
          schema: schema.enumOf(["PROVINCIAL", "COMMUNE"]),
        },
        { name: "field", description: "Exact field name.", schema: schema.string() },
        { name: "agency", description: "Settling body.", schema: schema.enumOf(AGENCIES) },
        provinceParam("Only procedures this province's bodies handle."),
        NAME_CONTAINS_PARAM,
      ],
      paged: true,
      list(query) {
        const level = query.oneOf("level", ["PROVINCIAL", "COMMUNE"] as const);
        const field = query.string("field");
        const agency = query.oneOf("agency", AGENCIES);
        const province = provinceFilter(query, world);
        const nameRaw = query.string("nameContains");
        if (province === null) return EMPTY_PAGE;
        const name = nameRaw === undefined ? undefined : foldText(nameRaw);
        const chosen: Procedure[] = catalogue.procedures.filter(
          (procedure, index) =>
            (level === undefined || procedure.level === level) &&
            (field === undefined || procedure.field === field) &&
            (agency === undefined || procedure.agency === agency) &&
            (province === undefined || catalogue.adopted(province, index)) &&
            (name === undefined || catalogue.foldedNames[index]!.includes(name)),
        );
        return pageOfList(query, chosen);
      },
      recordSummary: "One procedure.",
    }),
    get({
      name: "procedure-counts",
      summary: "How many procedures each province's bodies handle (optionally one agency's).",
      params: [
        PROVINCES_PARAM,
        { name: "agency", description: "Only this body's procedures.", schema: schema.enumOf(AGENCIES) },
      ],
      response: schema.itemsOf(schema.ref("ProcedureCount")),
      handle({ query }) {
        const provinces = query.list("provinces", isProvinceCode, "a 2-digit province code");
        const agency = query.oneOf("agency", AGENCIES);
        if (!provinces) throw badRequest("provinces: required");
        return {
          items: provinces
            .filter((code) => reference.provinceByCode.has(code))
            .map((unitCode) => ({
              unitCode,
              count: catalogue.procedures.filter(
                (procedure, index) =>
                  (agency === undefined || procedure.agency === agency) && catalogue.adopted(unitCode, index),
              ).length,
            })),
        };
      },
    }),
    ...collection({
      name: "dossiers",
      schema: "Dossier",
      id: DOSSIER_CODE,
      find: findDossier,
      summary:
        "Dossiers by code (batch), or a listing by province (its own and its communes'), commune or applicant, with filters.",
      params: [
        idsParam("Comma-separated dossier codes (≤ 500)."),
        provinceParam("Dossiers of this province (provincial and commune level)."),
        communeParam("Dossiers of this commune."),
        {
          name: "applicant",
          description: "Comma-separated personal ids or enterprise codes (≤ 500).",
          schema: schema.string(),
        },
        {
          name: "status",
          description: "Only dossiers in this status.",
          schema: schema.enumOf(DOSSIER_STATUSES),
        },
        {
          name: "procedure",
          description: "Only dossiers of this procedure code.",
          schema: schema.string({ pattern: "^\\d\\.\\d{6}$" }),
        },
        { name: "receivedFrom", description: "Received on or after this date.", schema: schema.date() },
        { name: "receivedTo", description: "Received on or before this date.", schema: schema.date() },
        {
          name: "overdue",
          description: "Only overdue (true) or not overdue (false) dossiers.",
          schema: schema.enumOf(["true", "false"]),
        },
      ],
      paged: true,
      list(query) {
        const scope = areaFilter(query, world);
        const applicants = query.list(
          "applicant",
          isApplicantId,
          "a 12-digit personal id or a 10-digit enterprise code",
        );
        const status = query.oneOf("status", DOSSIER_STATUSES);
        const procedureCode = query.matching("procedure", PROCEDURE_CODE.valid, PROCEDURE_CODE.what);
        const [fromDay, toDay] = dayRange(query, "receivedFrom", "receivedTo");
        const overdue = query.boolean("overdue");
        if (scope && scope.province === undefined && scope.commune === undefined && !applicants) {
          throw badRequest("one of 'ids', 'province', 'commune' or 'applicant' is required");
        }
        if (!scope) return EMPTY_PAGE;
        const { province, commune } = scope;
        const procedure =
          procedureCode === undefined ? undefined : (catalogue.byCode.get(procedureCode) ?? -1);
        const accepts = (ref: DossierRef) => {
          if (status === undefined && procedure === undefined && overdue === undefined) return true;
          const facts = dossiers.facts(ref);
          return (
            (status === undefined || facts.status === status) &&
            (procedure === undefined || facts.procedure === procedure) &&
            (overdue === undefined || facts.overdue === overdue)
          );
        };
        const area =
          commune !== undefined
            ? dossiers.unitsOf(reference.communes[commune]!.code)
            : province
              ? dossiers.unitsOf(province)
              : null;

        if (applicants) {
          const allowed = area ? new Set(area) : null;
          const refs = applicants
            .flatMap((id) => {
              if (isPersonalId(id)) {
                const citizen = world.population.locate(id);
                return citizen ? dossiers.ofCitizen(citizen) : [];
              }
              const enterprise = world.enterprises.locate(id);
              return enterprise ? dossiers.ofEnterprise(enterprise) : [];
            })
            .filter(
              (ref) =>
                (!allowed || allowed.has(ref.unit)) && ref.day >= fromDay && ref.day <= toDay && accepts(ref),
            )
            .sort((a, b) => a.day - b.day || a.unit - b.unit || a.seq - b.seq);
          return page(query, refs.length, (position) => dossiers.dossier(refs[position]!));
        }

        // Each unit contributes the contiguous run of its dossiers received in [fromDay, toDay].
        const units = area!;
        const first = Math.max(0, fromDay);
        const last = Math.min(WINDOW_DAYS - 1, toDay);
        const runStart = (unit: number) => (last < first ? 0 : dossiers.dayPrefix(unit)[first]!);
        const runLength = (unit: number) =>
          last < first ? 0 : dossiers.dayPrefix(unit)[last + 1]! - runStart(unit);
        const sequence = createUnitSequence(units, runLength);
        const refAt = (position: number) => {
          const { unit, offset } = sequence.locate(position);
          return dossiers.refAt(unit, runStart(unit) + offset);
        };
        if (status === undefined && procedure === undefined && overdue === undefined) {
          return page(query, sequence.total, (position) => dossiers.dossier(refAt(position)));
        }
        const key = `${commune !== undefined ? `c${commune}` : `p${province}`}|${first}|${last}|${status}|${procedure}|${overdue}`;
        return matches.page(
          query,
          key,
          sequence.total,
          (position) => accepts(refAt(position)),
          (position) => dossiers.dossier(refAt(position)),
        );
      },
      recordSummary: "One dossier.",
    }),
    get({
      name: "stats",
      summary:
        "Dossier statistics per unit over dossiers received in [from, to] (default: the whole year up to today); a province's include its communes'.",
      params: [
        ...UNIT_PARAMS,
        { name: "from", description: "Received on or after this date.", schema: schema.date() },
        { name: "to", description: "Received on or before this date.", schema: schema.date() },
      ],
      response: schema.itemsOf(schema.ref("DossierStats")),
      handle({ query }) {
        const units = requestedUnits(query, world);
        const [fromDay, toDay] = dayRange(query, "from", "to");
        return { items: unitCodes(units, world).map((code) => statsOf(code, fromDay, toDay)) };
      },
    }),
  ];
}
