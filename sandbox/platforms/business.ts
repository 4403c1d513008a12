import { isEnterpriseCode, isPersonalId } from "../../common/identifiers.ts";
import { yearOfDay } from "../generate/dates.ts";
import { ENTERPRISE_STATUSES, type EnterpriseRef, type EnterpriseTally } from "../generate/enterprises.ts";
import { INDUSTRIES } from "../generate/industries.ts";
import { foldText } from "../generate/names.ts";
import { createMatchCache, page } from "../http/paging.ts";
import { badRequest } from "../http/problem.ts";
import type { Route } from "../http/route.ts";
import * as schema from "../http/schema.ts";
import type { World } from "../world.ts";
import { communeParam, idsParam, NAME_CONTAINS_PARAM, provinceParam, UNIT_PARAMS } from "./params.ts";
import { platformRoutes, type RecordId } from "./routes.ts";
import { createUnitSequence } from "./sequence.ts";
import { areaFilter, communesOf, EMPTY_PAGE, requestedUnits } from "./units.ts";

const { get, collection } = platformRoutes("business", "/business/v1");
const ENTERPRISE_CODE: RecordId = {
  param: "code",
  valid: isEnterpriseCode,
  what: "a 10-digit enterprise code with a valid check digit",
};
const LEGAL_FORMS = [
  "SINGLE_MEMBER_LLC",
  "MULTI_MEMBER_LLC",
  "JOINT_STOCK",
  "PARTNERSHIP",
  "PRIVATE_ENTERPRISE",
];

export const businessSchemas: Record<string, schema.JsonSchema> = {
  Industry: schema.object({ code: schema.string({ pattern: "^\\d{4}$" }), name: schema.string() }),
  Enterprise: schema.object({
    code: schema.string({ pattern: "^\\d{10}$" }),
    name: schema.string(),
    internationalName: schema.nullable(schema.string()),
    legalForm: schema.enumOf(LEGAL_FORMS),
    status: schema.enumOf(ENTERPRISE_STATUSES),
    foundedOn: schema.string({ format: "date" }),
    charterCapitalVnd: schema.nullable(schema.number({ minimum: 0 })),
    industry: schema.ref("Industry"),
    headOffice: schema.ref("Address"),
    representativeId: schema.string({ pattern: "^\\d{12}$" }),
  }),
  EnterpriseStats: schema.object({
    unitCode: schema.string(),
    ...schema.counts("total", "active", "suspended", "dissolved", "registeredThisYear"),
  }),
};

export function businessRoutes(world: World): Route[] {
  const { enterprises, reference } = world;
  const matches = createMatchCache(4 * 1024 * 1024);

  const findEnterprise = (code: string) => {
    const found = enterprises.locate(code);
    return found ? enterprises.enterprise(found.commune, found.index) : null;
  };

  const statsOf = (unitCode: string, tallies: EnterpriseTally[], year: number) => ({
    unitCode,
    total: tallies.reduce((sum, tally) => sum + tally.total, 0),
    active: tallies.reduce((sum, tally) => sum + tally.byStatus.ACTIVE, 0),
    suspended: tallies.reduce((sum, tally) => sum + tally.byStatus.SUSPENDED, 0),
    dissolved: tallies.reduce((sum, tally) => sum + tally.byStatus.DISSOLVED, 0),
    registeredThisYear: tallies.reduce((sum, tally) => sum + (tally.foundedByYear.get(year) ?? 0), 0),
  });

  return [
    ...collection({
      name: "enterprises",
      schema: "Enterprise",
      id: ENTERPRISE_CODE,
      find: findEnterprise,
      summary:
        "Enterprises by code (batch), or a listing by head-office province/commune and/or legal representative, with filters.",
      params: [
        idsParam("Comma-separated 10-digit enterprise codes (≤ 500).", "^\\d{10}(,\\d{10})*$"),
        provinceParam("Head office in this province."),
        communeParam("Head office in this commune."),
        {
          name: "status",
          description: "Only enterprises in this status.",
          schema: schema.enumOf(ENTERPRISE_STATUSES),
        },
        {
          name: "industry",
          description: "Only this VSIC level-4 industry.",
          schema: schema.string({ pattern: "^\\d{4}$" }),
        },
        NAME_CONTAINS_PARAM,
        {
          name: "representative",
          description: "Comma-separated personal ids of legal representatives (≤ 500).",
          schema: schema.string(),
        },
      ],
      paged: true,
      list(query) {
        const area = areaFilter(query, world);
        const status = query.oneOf("status", ENTERPRISE_STATUSES);
        const industry = query.matching("industry", (code) => /^\d{4}$/.test(code), "a 4-digit VSIC code");
        const nameRaw = query.string("nameContains");
        const representatives = query.list(
          "representative",
          isPersonalId,
          "a 12-digit personal identification number",
        );
        if (area && area.province === undefined && area.commune === undefined && !representatives) {
          throw badRequest("one of 'ids', 'province', 'commune' or 'representative' is required");
        }
        if (!area) return EMPTY_PAGE;
        const { province, commune } = area;
        const name = nameRaw === undefined ? undefined : foldText(nameRaw);
        const accepts = (ref: EnterpriseRef) =>
          (status === undefined || enterprises.status(ref.commune, ref.index) === status) &&
          (industry === undefined || enterprises.industryCode(ref.commune, ref.index) === industry) &&
          (name === undefined || enterprises.foldedName(ref.commune, ref.index).includes(name));
        const inArea = (c: number) =>
          (commune === undefined || c === commune) &&
          (province === undefined || reference.communes[c]!.provinceCode === province);

        if (representatives) {
          const refs = representatives.flatMap((id) => {
            const citizen = world.population.locate(id);
            return citizen ? enterprises.representedBy(citizen) : [];
          });
          const chosen = refs.filter((each) => inArea(each.commune) && accepts(each));
          return page(query, chosen.length, (position) =>
            enterprises.enterprise(chosen[position]!.commune, chosen[position]!.index),
          );
        }
        const units = commune !== undefined ? [commune] : communesOf(world, province!);
        const sequence = createUnitSequence(units, enterprises.count);
        const at = (position: number) => {
          const { unit, offset } = sequence.locate(position);
          return enterprises.enterprise(unit, offset);
        };
        if (status === undefined && industry === undefined && name === undefined)
          return page(query, sequence.total, at);
        const key = `${commune !== undefined ? `c${commune}` : `p${province}`}|${status}|${industry}|${name}`;
        const acceptsAt = (position: number) => {
          const { unit, offset } = sequence.locate(position);
          return accepts({ commune: unit, index: offset });
        };
        return matches.page(query, key, sequence.total, acceptsAt, at);
      },
      recordSummary: "One enterprise.",
    }),
    get({
      name: "stats",
      summary:
        "Enterprises by head-office unit: total, by status, and registered in a year (default: this year).",
      params: [
        ...UNIT_PARAMS,
        {
          name: "year",
          description: "Year counted by registeredThisYear (default: the current year).",
          schema: schema.integer(),
        },
      ],
      response: schema.itemsOf(schema.ref("EnterpriseStats")),
      handle({ query }) {
        const units = requestedUnits(query, world);
        const year = query.integer("year", 1900, 2100) ?? yearOfDay(world.today);
        return {
          items: [
            ...units.provinces.map((code) =>
              statsOf(code, communesOf(world, code).map(enterprises.tally), year),
            ),
            ...units.communes.map((c) => statsOf(reference.communes[c]!.code, [enterprises.tally(c)], year)),
          ],
        };
      },
    }),
    get({
      name: "industries",
      summary: "The VSIC level-4 industries used by the registry.",
      params: [],
      response: schema.itemsOf(schema.ref("Industry")),
      handle: () => ({ items: INDUSTRIES.map(({ code, name }) => ({ code, name })) }),
    }),
  ];
}
