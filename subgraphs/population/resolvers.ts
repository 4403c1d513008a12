import { type Caller, canSeeRecord, hasScope } from "../../common/caller.ts";
import { badUserInput, forbidden, unauthorized } from "../../common/errors.ts";
import { isPersonalId } from "../../common/identifiers.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { communeCodeArg, provinceCodeArg, unitReference, unitStatistics } from "../kit/units.ts";
import type { Resolvers } from "./generated/resolvers-types.ts";
import type { CitizenRecord, HouseholdRecord, PopulationPlatform } from "./platform.ts";

export const MAX_CITIZEN_IDS = 100;

/** `HK` + the 5-digit commune code + a 6-digit number (the household registry book). */
const HOUSEHOLD_ID = /^HK\d{11}$/;

/** `040******234`: enough for an officer to tell people apart on screen, not enough to use the number. */
export function maskPersonalId(id: string): string {
  return `${id.slice(0, 3)}${"*".repeat(Math.max(0, id.length - 6))}${id.slice(-3)}`;
}

function personalIdArg(name: string, value: string): string {
  if (!isPersonalId(value))
    throw badUserInput(`${name}: '${value}' is not a 12-digit personal identification number`);
  return value;
}

function householdIdArg(name: string, value: string): string {
  if (!HOUSEHOLD_ID.test(value))
    throw badUserInput(`${name}: '${value}' is not a household id (HK followed by 11 digits)`);
  return value;
}

/** A citizen is the business of the units they live in, permanently or currently. */
function canSeeCitizen(caller: Caller, citizen: CitizenRecord): boolean {
  return (
    canSeeRecord(caller, citizen.permanentResidence) ||
    (citizen.currentResidence !== null && canSeeRecord(caller, citizen.currentResidence))
  );
}

function canSeeHousehold(caller: Caller, household: HouseholdRecord): boolean {
  return canSeeRecord(caller, household);
}

/** The record, null when unknown, or the FORBIDDEN error when it exists outside the caller's province/commune. */
function visibleCitizen(ctx: SubgraphContext, citizen: CitizenRecord | null): CitizenRecord | null {
  if (citizen === null) return null;
  if (!canSeeCitizen(ctx.caller, citizen))
    throw forbidden("this citizen lives outside your province/commune");
  return citizen;
}

function visibleHousehold(ctx: SubgraphContext, household: HouseholdRecord | null): HouseholdRecord | null {
  if (household === null) return null;
  if (!canSeeHousehold(ctx.caller, household))
    throw forbidden("this household is outside your province/commune");
  return household;
}

export function createPopulationResolvers(platform: PopulationPlatform): Resolvers {
  const specs = platform.loaders;

  const loadCitizen = async (ctx: SubgraphContext, id: string) =>
    visibleCitizen(ctx, await ctx.loaders.load(specs.citizen, id));

  const loadHousehold = async (ctx: SubgraphContext, id: string) =>
    visibleHousehold(ctx, await ctx.loaders.load(specs.household, id));

  const units = unitStatistics(specs.stats, "population platform");

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
            return visibleCitizen(ctx, record);
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
      async head(household, _, ctx) {
        const head = await loadCitizen(ctx, household.headId);
        if (head === null) throw new Error(`household head missing from the population platform`);
        return head;
      },
      async members(household, _, ctx) {
        const members = await ctx.loaders.loadMany(specs.citizen, household.memberIds);
        return members.filter((m): m is CitizenRecord => m !== null && canSeeCitizen(ctx.caller, m));
      },
      commune: (household) => unitReference(household.communeCode),
    },
    Address: {
      commune: (address) => unitReference(address.communeCode),
      line(address, _, ctx) {
        if (!hasScope(ctx.caller, "population:pii")) {
          throw unauthorized("a citizen's address line needs the population:pii scope");
        }
        return address.line;
      },
    },
    Province: {
      __resolveReference: (reference, ctx) => units.reference(ctx, provinceCodeArg("code", reference.code)),
      populationStats: (province, _, ctx) => units.of(ctx, province.code),
    },
    Commune: {
      __resolveReference: (reference, ctx) => units.reference(ctx, communeCodeArg("code", reference.code)),
      populationStats: (commune, _, ctx) => units.of(ctx, commune.code),
    },
  };
}
