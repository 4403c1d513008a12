import { badUserInput } from "../../common/errors.ts";
import { communeCodeArg, provinceCodeArg } from "./arguments.ts";
import type { SubgraphContext } from "./context.ts";
import type { LoaderSpec } from "./loaders.ts";
import type { UnitRef } from "./platformRecords.ts";

// Administrative units as references: the reporting subgraph owns Province and Commune, the others point at them
// or contribute statistics to them.

/** The key of a Province or Commune owned by the reporting subgraph, for resolvers that point at one. */
export function unitReference(code: string): UnitRef {
  return { code };
}

type UnitStatisticsResolvers<T, Field extends string> = {
  __resolveReference(reference: UnitRef, ctx: SubgraphContext): Promise<UnitRef | null>;
} & Record<Field, (unit: UnitRef, args: unknown, ctx: SubgraphContext) => Promise<T>>;

/**
 * The Province and Commune stubs a subgraph contributes statistics to, as `field` (e.g. `populationStats`): a
 * malformed key is BAD_USER_INPUT, a unit the platform has no statistics for is unknown (its reference resolves to
 * null), a platform failure is the field's error, and the statistics come through the loader, batched over all units
 * of a request.
 */
export function unitStatistics<T, Field extends string>(
  spec: LoaderSpec<T>,
  platform: string,
  field: Field,
): { Province: UnitStatisticsResolvers<T, Field>; Commune: UnitStatisticsResolvers<T, Field> } {
  // While the platform cannot say whether it knows the unit, the unit stands, and its statistics field carries the
  // platform's failure at its own path (the loader keeps the failed load, so that costs no second call): the rest
  // of the entity is not this platform's to lose.
  const reference = async (ctx: SubgraphContext, code: string) =>
    (await ctx.loaders.load(spec, code).catch(() => undefined)) === null ? null : unitReference(code);
  const statistics = async (unit: UnitRef, _: unknown, ctx: SubgraphContext): Promise<T> => {
    const stats = await ctx.loaders.load(spec, unit.code);
    if (stats === null) throw badUserInput(`unit ${unit.code}: the ${platform} has no statistics for it`);
    return stats;
  };
  const resolvers = (codeArg: (name: string, value: string) => string) =>
    ({
      __resolveReference: (ref: UnitRef, ctx: SubgraphContext) => reference(ctx, codeArg("code", ref.code)),
      [field]: statistics,
    }) as UnitStatisticsResolvers<T, Field>;
  return { Province: resolvers(provinceCodeArg), Commune: resolvers(communeCodeArg) };
}
