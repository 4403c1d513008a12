import { isHouseholdId, isPersonalId } from "../../common/identifiers.ts";
import type { PopulationStats } from "../generate/population.ts";
import { PAGE_PARAMS, page } from "../http/paging.ts";
import { badRequest } from "../http/problem.ts";
import type { ParamSpec, Query } from "../http/query.ts";
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
  pageOf,
  ref,
  string,
} from "../http/schema.ts";
import type { World } from "../world.ts";
import { communeFilter, communesOf, EMPTY_PAGE, requestedUnits, single, UNIT_PARAMS } from "./units.ts";

const BASE = "/population/v1";

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

const communeListingParam: ParamSpec = {
  name: "commune",
  description: "List the records of this commune (5-digit code).",
  schema: string({ pattern: "^\\d{5}$" }),
};

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

  const batchOrList = <T>(
    query: Query,
    valid: (id: string) => boolean,
    what: string,
    find: (id: string) => T | null,
    list: (commune: number) => { total: number; at: (position: number) => T },
  ) => {
    const ids = query.list("ids", valid, what);
    if (ids) {
      if (["commune", "limit", "cursor"].some((name) => query.has(name))) {
        throw badRequest("ids cannot be combined with listing parameters");
      }
      return { items: ids.flatMap((id) => find(id) ?? []) };
    }
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
    {
      method: "GET",
      path: `${BASE}/citizens`,
      platform: "population",
      summary:
        "Citizens by personal identification number (batch), or a commune's permanent residents (listing).",
      params: [
        {
          name: "ids",
          description: "Comma-separated 12-digit personal ids (≤ 500).",
          schema: string({ pattern: "^\\d{12}(,\\d{12})*$" }),
        },
        communeListingParam,
        ...PAGE_PARAMS,
      ],
      response: { anyOf: [itemsOf(ref("Citizen")), pageOf(ref("Citizen"))] },
      handle: ({ query }) =>
        batchOrList(query, isPersonalId, "a 12-digit personal identification number", findCitizen, (c) => ({
          total: population.size(c),
          at: (index) => population.citizen(c, index),
        })),
    },
    {
      method: "GET",
      path: `${BASE}/citizens/{id}`,
      platform: "population",
      summary: "One citizen.",
      params: [],
      pathParam: { name: "id", description: "12-digit personal identification number.", schema: string() },
      response: ref("Citizen"),
      handle: ({ id }) => single(id, isPersonalId, "a 12-digit personal identification number", findCitizen),
    },
    {
      method: "GET",
      path: `${BASE}/households`,
      platform: "population",
      summary: "Households by id (batch), or a commune's households (listing).",
      params: [
        { name: "ids", description: "Comma-separated household ids (≤ 500).", schema: string() },
        communeListingParam,
        ...PAGE_PARAMS,
      ],
      response: { anyOf: [itemsOf(ref("Household")), pageOf(ref("Household"))] },
      handle: ({ query }) =>
        batchOrList(query, isHouseholdId, "a household id (HK + 11 digits)", findHousehold, (c) => ({
          total: population.householdCount(c),
          at: (household) => population.household(c, household),
        })),
    },
    {
      method: "GET",
      path: `${BASE}/households/{id}`,
      platform: "population",
      summary: "One household.",
      params: [],
      pathParam: {
        name: "id",
        description: "Household id (HK + commune code + 6 digits).",
        schema: string(),
      },
      response: ref("Household"),
      handle: ({ id }) => single(id, isHouseholdId, "a household id (HK + 11 digits)", findHousehold),
    },
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
