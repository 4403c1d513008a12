import { isCommuneCode, isProvinceCode } from "../../common/identifiers.ts";
import { badRequest } from "../http/problem.ts";
import type { Query } from "../http/query.ts";
import type { World } from "../world.ts";

export interface RequestedUnits {
  /** Existing provinces, request order. */
  provinces: string[];
  /** Existing communes as indices into reference.communes, request order. */
  communes: number[];
}

/** Province codes, then commune codes, in request order: the rows a statistics answer has. */
export function unitCodes(units: RequestedUnits, world: World): string[] {
  return [...units.provinces, ...units.communes.map((c) => world.reference.communes[c]!.code)];
}

/** Reads `provinces` and `communes`; at least one is required; unknown codes are dropped. */
export function requestedUnits(query: Query, world: World): RequestedUnits {
  const provinces = query.list("provinces", isProvinceCode, "a 2-digit province code");
  const communes = query.list("communes", isCommuneCode, "a 5-digit commune code");
  if (!provinces && !communes) throw badRequest("one of 'provinces' or 'communes' is required");
  return {
    provinces: (provinces ?? []).filter((code) => world.reference.provinceByCode.has(code)),
    communes: (communes ?? []).flatMap((code) => {
      const c = world.communeIndex.get(code);
      return c === undefined ? [] : [c];
    }),
  };
}

/**
 * A single province filter (`province=40`): 400 when malformed; null when well-formed but unknown (the
 * listing is then empty, as a filter matching nothing is).
 */
export function provinceFilter(query: Query, world: World, name = "province"): string | null | undefined {
  const code = query.matching(name, isProvinceCode, "a 2-digit province code");
  if (code === undefined) return undefined;
  return world.reference.provinceByCode.has(code) ? code : null;
}

/** A single commune filter (`commune=16681`) as a commune index; null when unknown. */
export function communeFilter(query: Query, world: World, name = "commune"): number | null | undefined {
  const code = query.matching(name, isCommuneCode, "a 5-digit commune code");
  if (code === undefined) return undefined;
  return world.communeIndex.get(code) ?? null;
}

/**
 * A listing's `province` and `commune` filters, read together. Null when they can match nothing (an unknown code,
 * or a commune outside the province): the listing is then an empty page.
 */
export function areaFilter(query: Query, world: World): { province?: string; commune?: number } | null {
  const province = provinceFilter(query, world);
  const commune = communeFilter(query, world);
  if (province === null || commune === null) return null;
  if (
    province !== undefined &&
    commune !== undefined &&
    world.reference.communes[commune]!.provinceCode !== province
  ) {
    return null;
  }
  return { province, commune };
}

export const EMPTY_PAGE = { items: [], totalCount: 0, nextCursor: null };

/** The communes of a province as indices, in code order. */
export function communesOf(world: World, provinceCode: string): number[] {
  return world.reference.communesByProvince
    .get(provinceCode)!
    .map((commune) => world.communeIndex.get(commune.code)!);
}
