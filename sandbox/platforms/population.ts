import { isHouseholdId, isPersonalId } from "../../common/identifiers.ts";
import type { PopulationStats } from "../generate/population.ts";
import { page } from "../http/paging.ts";
import { badRequest } from "../http/problem.ts";
import type { Query } from "../http/query.ts";
import type { Route } from "../http/route.ts";
import * as schema from "../http/schema.ts";
import type { World } from "../world.ts";
import { communeParam, idsParam, UNIT_PARAMS } from "./params.ts";
import { platformRoutes, type RecordId } from "./routes.ts";
import { communeFilter, communesOf, EMPTY_PAGE, requestedUnits } from "./units.ts";

const { get, collection } = platformRoutes("population", "/population/v1");
const CITIZEN_ID: RecordId = {
  param: "id",
  valid: isPersonalId,
  what: "a 12-digit personal identification number",
};
const HOUSEHOLD_ID: RecordId = { param: "id", valid: isHouseholdId, what: "a household id (HK + 11 digits)" };

export const populationSchemas: Record<string, schema.JsonSchema> = {
  Address: schema.object({
    communeCode: schema.string({ pattern: "^\\d{5}$" }),
    provinceCode: schema.string({ pattern: "^\\d{2}$" }),
    line: schema.string(),
  }),
  Citizen: schema.object({
    id: schema.string({ pattern: "^\\d{12}$" }),
    fullName: schema.string(),
    dateOfBirth: schema.date(),
    gender: schema.enumOf(["MALE", "FEMALE"]),
    birthProvinceCode: schema.string({ pattern: "^\\d{3}$" }),
    permanentResidence: schema.ref("Address"),
    currentResidence: schema.nullable(schema.ref("Address")),
    householdId: schema.string({ pattern: "^HK\\d{11}$" }),
  }),
  Household: schema.object({
    id: schema.string({ pattern: "^HK\\d{11}$" }),
    headId: schema.string({ pattern: "^\\d{12}$" }),
    memberIds: schema.arrayOf(schema.string({ pattern: "^\\d{12}$" })),
    communeCode: schema.string({ pattern: "^\\d{5}$" }),
    provinceCode: schema.string({ pattern: "^\\d{2}$" }),
    line: schema.string(),
  }),
  PopulationStats: schema.object({
    unitCode: schema.string(),
    ...schema.counts("total", "male", "female", "households"),
    ageBands: schema.arrayOf(
      schema.object({
        fromAge: schema.integer({ minimum: 0 }),
        toAge: schema.nullable(schema.integer({ minimum: 0 })),
        count: schema.integer({ minimum: 0 }),
      }),
    ),
  }),
};

const communeListingParam = communeParam("List the records of this commune (5-digit code).");

export function populationRoutes(world: World): Route[] {
  const { population } = world;

  const provinceStats = new Map<string, PopulationStats>();
  const statsOfProvince = (provinceCode: string): PopulationStats => {
    let found = provinceStats.get(provinceCode);
    if (!found) {
      const parts = communesOf(world, provinceCode).map(population.communeStats);
      found = {
        unitCode: provinceCode,
        total: parts.reduce((sum, part) => sum + part.total, 0),
        male: parts.reduce((sum, part) => sum + part.male, 0),
        female: parts.reduce((sum, part) => sum + part.female, 0),
        households: parts.reduce((sum, part) => sum + part.households, 0),
        ageBands: parts[0]!.ageBands.map((band, k) => ({
          ...band,
          count: parts.reduce((sum, part) => sum + part.ageBands[k]!.count, 0),
        })),
      };
      provinceStats.set(provinceCode, found);
    }
    return found;
  };

  /** The listing half of a population collection: one commune's records, by position. */
  const listCommune = <T>(
    query: Query,
    total: (commune: number) => number,
    at: (commune: number, position: number) => T,
  ) => {
    const commune = communeFilter(query, world);
    if (commune === undefined) throw badRequest("one of 'ids' or 'commune' is required");
    if (commune === null) return EMPTY_PAGE;
    return page(query, total(commune), (position) => at(commune, position));
  };

  const findCitizen = (id: string) => {
    const found = population.locate(id);
    return found ? population.citizen(found.commune, found.index) : null;
  };
  const findHousehold = (id: string) => {
    const found = population.locateHousehold(id);
    return found ? population.household(found.commune, found.household) : null;
  };

  return [
    ...collection({
      name: "citizens",
      schema: "Citizen",
      id: CITIZEN_ID,
      find: findCitizen,
      summary:
        "Citizens by personal identification number (batch), or a commune's permanent residents (listing).",
      params: [
        idsParam("Comma-separated 12-digit personal ids (≤ 500).", "^\\d{12}(,\\d{12})*$"),
        communeListingParam,
      ],
      paged: true,
      list: (query) => listCommune(query, population.size, population.citizen),
      recordSummary: "One citizen.",
    }),
    ...collection({
      name: "households",
      schema: "Household",
      id: HOUSEHOLD_ID,
      find: findHousehold,
      summary: "Households by id (batch), or a commune's households (listing).",
      params: [idsParam("Comma-separated household ids (≤ 500)."), communeListingParam],
      paged: true,
      list: (query) => listCommune(query, population.householdCount, population.household),
      recordSummary: "One household.",
    }),
    get({
      name: "stats",
      summary: "Population by unit: totals, gender, households, age bands (age on 'today').",
      params: UNIT_PARAMS,
      response: schema.itemsOf(schema.ref("PopulationStats")),
      handle({ query }) {
        const units = requestedUnits(query, world);
        return {
          items: [...units.provinces.map(statsOfProvince), ...units.communes.map(population.communeStats)],
        };
      },
    }),
  ];
}
