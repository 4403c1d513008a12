import { badUserInput } from "../../common/errors.ts";
import { householdIdArg, personalIdArg } from "../kit/arguments.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { referencedRecord } from "../kit/records.ts";
import { unitReference, unitStatistics } from "../kit/units.ts";
import type { Resolvers } from "./generated/resolvers-types.ts";
import type { CitizenRecord, PopulationPlatform } from "./platform.ts";
import { canSeeCitizen, requireAddressLine, visibleCitizen, visibleHousehold } from "./visibility.ts";

export const MAX_CITIZEN_IDS = 100;

/** `040******234`: enough for an officer to tell people apart on screen, not enough to use the number. */
export function maskPersonalId(id: string): string {
  return `${id.slice(0, 3)}${"*".repeat(Math.max(0, id.length - 6))}${id.slice(-3)}`;
}

export function createPopulationResolvers(platform: PopulationPlatform): Resolvers {
  const specs = platform.loaders;

  const loadCitizen = async (ctx: SubgraphContext, id: string) =>
    visibleCitizen(ctx.caller, await ctx.loaders.load(specs.citizen, id));

  const loadHousehold = async (ctx: SubgraphContext, id: string) =>
    visibleHousehold(ctx.caller, await ctx.loaders.load(specs.household, id));

  return {
    Query: {
      citizen: (_, { id }, ctx) => loadCitizen(ctx, personalIdArg("id", id)),
      async citizens(_, { ids }, ctx) {
        if (ids.length > MAX_CITIZEN_IDS) {
          throw badUserInput(`ids: ${ids.length} ids given, at most ${MAX_CITIZEN_IDS} allowed`);
        }
        ids.forEach((id, i) => {
          personalIdArg(`ids[${i}]`, id);
        });
        const records = await ctx.loaders.loadMany(specs.citizen, ids);
        // An Error in a list makes that item null with its own error, the rest still resolve.
        return records.map((record) => {
          try {
            return visibleCitizen(ctx.caller, record);
          } catch (error) {
            return error as CitizenRecord;
          }
        });
      },
      household: (_, { id }, ctx) => loadHousehold(ctx, householdIdArg("id", id)),
    },
    Citizen: {
      __resolveReference: (reference, ctx) => loadCitizen(ctx, personalIdArg("id", reference.id)),
      maskedId: (citizen) => maskPersonalId(citizen.id),
      household: (citizen, _, ctx) =>
        citizen.householdId === null ? null : loadHousehold(ctx, citizen.householdId),
    },
    Household: {
      __resolveReference: (reference, ctx) => loadHousehold(ctx, householdIdArg("id", reference.id)),
      head: async (household, _, ctx) =>
        referencedRecord(await loadCitizen(ctx, household.headId), "a household's head"),
      async members(household, _, ctx) {
        const members = await ctx.loaders.loadMany(specs.citizen, household.memberIds);
        return members.filter((m): m is CitizenRecord => m !== null && canSeeCitizen(ctx.caller, m));
      },
      commune: (household) => unitReference(household.communeCode),
    },
    Address: {
      commune: (address) => unitReference(address.communeCode),
      line(address, _, ctx) {
        requireAddressLine(ctx.caller);
        return address.line;
      },
    },
    ...unitStatistics(specs.stats, "population platform", "populationStats"),
  };
}
