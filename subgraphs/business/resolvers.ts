import { canSeeRecord } from "../../common/caller.ts";
import { badUserInput, forbidden } from "../../common/errors.ts";
import { isEnterpriseCode, isPersonalId } from "../../common/identifiers.ts";
import { fetchConnection, pageArgs } from "../kit/connection.ts";
import { communeCodeArg, provinceCodeArg, unitReference, unitStatistics } from "../kit/units.ts";
import type { EnterpriseFilter, Resolvers } from "./generated/resolvers-types.ts";
import type { BusinessPlatform, EnterpriseListFilter } from "./platform.ts";

const INDUSTRY_CODE = /^\d{4}$/;
const NAME_CONTAINS_LENGTH = { min: 2, max: 100 };

function enterpriseCodeArg(name: string, value: string): string {
  if (!isEnterpriseCode(value)) {
    throw badUserInput(`${name}: '${value}' is not a 10-digit enterprise code with a valid check digit`);
  }
  return value;
}

function personalIdArg(name: string, value: string): string {
  if (!isPersonalId(value))
    throw badUserInput(`${name}: '${value}' is not a 12-digit personal identification number`);
  return value;
}

export function listFilterOf(filter: EnterpriseFilter): EnterpriseListFilter {
  if (filter.provinceCode == null && filter.communeCode == null) {
    throw badUserInput("filter: give provinceCode or communeCode (the registry is listed per unit)");
  }
  const listFilter: EnterpriseListFilter = {};
  if (filter.provinceCode != null)
    listFilter.province = provinceCodeArg("filter.provinceCode", filter.provinceCode);
  if (filter.communeCode != null)
    listFilter.commune = communeCodeArg("filter.communeCode", filter.communeCode);
  if (filter.status != null) listFilter.status = filter.status;
  if (filter.industryCode != null) {
    if (!INDUSTRY_CODE.test(filter.industryCode)) {
      throw badUserInput(`filter.industryCode: '${filter.industryCode}' is not a 4-digit VSIC code`);
    }
    listFilter.industry = filter.industryCode;
  }
  if (filter.nameContains != null) {
    const text = filter.nameContains.trim();
    if (text.length < NAME_CONTAINS_LENGTH.min || text.length > NAME_CONTAINS_LENGTH.max) {
      throw badUserInput(
        `filter.nameContains: must be ${NAME_CONTAINS_LENGTH.min} to ${NAME_CONTAINS_LENGTH.max} characters`,
      );
    }
    listFilter.nameContains = text;
  }
  return listFilter;
}

export function createBusinessResolvers(platform: BusinessPlatform): Resolvers {
  const specs = platform.loaders;

  const units = unitStatistics(specs.stats, "business registry");

  return {
    Query: {
      enterprise: (_, { code }, ctx) => ctx.loaders.load(specs.enterprise, enterpriseCodeArg("code", code)),
      enterprises(_, { filter, first, after }) {
        const listFilter = listFilterOf(filter);
        return fetchConnection(
          (cursor, limit) => platform.listEnterprises(listFilter, cursor, limit),
          pageArgs(first, after),
        );
      },
    },
    Enterprise: {
      __resolveReference: (reference, ctx) =>
        ctx.loaders.load(specs.enterprise, enterpriseCodeArg("code", reference.code)),
      mainIndustry: (enterprise) => enterprise.industry,
      legalRepresentative(enterprise, _, ctx) {
        if (enterprise.representativeId === null) return null;
        // The reference alone carries the personal id, which the gateway may hand out without asking the population
        // subgraph; a limited caller gets it only for enterprises registered in its own province/commune.
        if (!canSeeRecord(ctx.caller, enterprise.headOffice)) {
          throw forbidden(
            "the legal representative of an enterprise outside your province/commune is not visible",
          );
        }
        return { id: enterprise.representativeId };
      },
    },
    Address: {
      commune: (address) => unitReference(address.communeCode),
    },
    Citizen: {
      __resolveReference: (reference) => ({ id: personalIdArg("id", reference.id) }),
      async representedEnterprises(citizen, _, ctx) {
        return (await ctx.loaders.load(specs.enterprisesByRepresentative, citizen.id)) ?? [];
      },
    },
    Province: {
      __resolveReference: (reference, ctx) => units.reference(ctx, provinceCodeArg("code", reference.code)),
      enterpriseStats: (province, _, ctx) => units.of(ctx, province.code),
    },
    Commune: {
      __resolveReference: (reference, ctx) => units.reference(ctx, communeCodeArg("code", reference.code)),
      enterpriseStats: (commune, _, ctx) => units.of(ctx, commune.code),
    },
  };
}
