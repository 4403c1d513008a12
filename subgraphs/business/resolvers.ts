import { badUserInput } from "../../common/errors.ts";
import {
  communeCodeArg,
  enterpriseCodeArg,
  industryCodeArg,
  nameContainsArg,
  personalIdArg,
  provinceCodeArg,
} from "../kit/arguments.ts";
import { fetchConnection, pageArgs } from "../kit/connection.ts";
import { unitReference, unitStatistics } from "../kit/units.ts";
import type { EnterpriseFilter, Resolvers } from "./generated/resolvers-types.ts";
import type { BusinessPlatform, EnterpriseListFilter } from "./platform.ts";
import { assertRepresentativeVisible } from "./visibility.ts";

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
  if (filter.industryCode != null)
    listFilter.industry = industryCodeArg("filter.industryCode", filter.industryCode);
  if (filter.nameContains != null)
    listFilter.nameContains = nameContainsArg("filter.nameContains", filter.nameContains);
  return listFilter;
}

export function createBusinessResolvers(platform: BusinessPlatform): Resolvers {
  const specs = platform.loaders;

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
        assertRepresentativeVisible(ctx.caller, enterprise);
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
    ...unitStatistics(specs.stats, "business registry", "enterpriseStats"),
  };
}
