import { isHouseholdId, isPersonalId } from "../../common/identifiers.ts";
import type { PopulationStats } from "../generate/population.ts";
import { PAGE_PARAMS, page } from "../http/paging.ts";
import { badRequest } from "../http/problem.ts";
import type { Query } from "../http/query.ts";
import type { Route } from "../http/route.ts";
import {
  arrayOf,
  date,
  enumOf,
  integer,
  itemsOf,
  type JsonSchema,
  nullable,
  object,
  ref,
  string,
} from "../http/schema.ts";
import type { World } from "../world.ts";
import { batch, collections, communeParam, idsParam, type RecordId } from "./routes.ts";
import { communeFilter, communesOf, EMPTY_PAGE, requestedUnits, UNIT_PARAMS } from "./units.ts";

const BASE = "/population/v1";
const collection = collections("population", BASE);
const CITIZEN_ID: RecordId = {
  param: "id",
  valid: isPersonalId,
  what: "a 12-digit personal identification number",
};
const HOUSEHOLD_ID: RecordId = { param: "id", valid: isHouseholdId, what: "a household id (HK + 11 digits)" };

export const populationSchemas: Record<string, JsonSchema> = {
  Address: object({
    communeCode: string({ pattern: "^\\d{5}$" }),
    provinceCode: string({ pattern: "^\\d{2}$" }),
    line: string(),
  }),
  Citizen: object({
    id: string({ pattern: "^\\d{12}$" }),
    fullName: string(),
    dateOfBirth: date(),
    gender: enumOf(["MALE", "FEMALE"]),
    birthProvinceCode: string({ pattern: "^\\d{3}$" }),
    permanentResidence: ref("Address"),
    currentResidence: nullable(ref("Address")),
    householdId: string({ pattern: "^HK\\d{11}$" }),
  }),
  Household: object({
    id: string({ pattern: "^HK\\d{11}$" }),
    headId: string({ pattern: "^\\d{12}$" }),
    memberIds: arrayOf(string({ pattern: "^\\d{12}$" })),
    communeCode: string({ pattern: "^\\d{5}$" }),
    provinceCode: string({ pattern: "^\\d{2}$" }),
    line: string(),
  }),
  PopulationStats: object({
    unitCode: string(),
    total: integer({ minimum: 0 }),
    male: integer({ minimum: 0 }),
    female: integer({ minimum: 0 }),
    households: integer({ minimum: 0 }),
    ageBands: arrayOf(
      object({
        fromAge: integer({ minimum: 0 }),
        toAge: nullable(integer({ minimum: 0 })),
        count: integer({ minimum: 0 }),
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

  const listCommune = <T>(
    query: Query,
    list: (commune: number) => { total: number; at: (position: number) => T },
  ) => {
    const commune = communeFilter(query, world);
    if (commune === undefined) throw badRequest("one of 'ids' or 'commune' is required");
    if (commune === null) return EMPTY_PAGE;
    const listing = list(commune);
    return page(query, listing.total, listing.at);
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
        ...PAGE_PARAMS,
      ],
      paged: true,
      answer: (query) =>
        batch(query, CITIZEN_ID, findCitizen) ??
        listCommune(query, (c) => ({
          total: population.size(c),
          at: (index) => population.citizen(c, index),
        })),
      recordSummary: "One citizen.",
    }),
    ...collection({
      name: "households",
      schema: "Household",
      id: HOUSEHOLD_ID,
      find: findHousehold,
      summary: "Households by id (batch), or a commune's households (listing).",
      params: [idsParam("Comma-separated household ids (≤ 500)."), communeListingParam, ...PAGE_PARAMS],
      paged: true,
      answer: (query) =>
        batch(query, HOUSEHOLD_ID, findHousehold) ??
        listCommune(query, (c) => ({
          total: population.householdCount(c),
          at: (household) => population.household(c, household),
        })),
      recordSummary: "One household.",
    }),
    {
      method: "GET",
      path: `${BASE}/stats`,
      platform: "population",
      summary: "Population by unit: totals, gender, households, age bands (age on 'today').",
      params: UNIT_PARAMS,
      response: itemsOf(ref("PopulationStats")),
      handle({ query }) {
        const units = requestedUnits(query, world);
        return {
          items: [...units.provinces.map(statsOfProvince), ...units.communes.map(population.communeStats)],
        };
      },
    },
  ];
}
