import { badUserInput } from "../../common/errors.ts";
import { isCommuneCode, isProvinceCode } from "../../common/identifiers.ts";
import { communeCodeArg, provinceCodeArg } from "./arguments.ts";
import type { SubgraphContext } from "./context.ts";
import type { EntityLoads } from "./entityPrefetch.ts";
import type { LoaderSpec } from "./loaders.ts";
import type { UnitRef } from "./platformRecords.ts";
import type { FieldLoad } from "./prefetch.ts";

// Administrative units as references: the reporting subgraph owns Province and Commune, the others point at them
// or contribute statistics to them.

/** The key of a Province or Commune owned by the reporting subgraph, for resolvers that point at one. */
export function unitReference(code: string): UnitRef {
  return { code };
}

/** A unit as its `__resolveReference` found it, with the statistics it loaded to know the unit (or their failure). */
const STATISTICS = Symbol("statistics");
type ResolvedUnit<T> = UnitRef & { [STATISTICS]?: T | Error };

type UnitStatisticsResolvers<T, Field extends string> = {
  __resolveReference(reference: UnitRef, ctx: SubgraphContext): Promise<ResolvedUnit<T> | null>;
} & Record<Field, (unit: ResolvedUnit<T>, args: unknown, ctx: SubgraphContext) => T | Promise<T>>;

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
  const known = (code: string, stats: T | null): T => {
    if (stats === null) throw badUserInput(`unit ${code}: the ${platform} has no statistics for it`);
    return stats;
  };
  // While the platform cannot say whether it knows the unit, the unit stands, and its statistics field carries the
  // platform's failure at its own path: the rest of the entity is not this platform's to lose. The reference keeps
  // what it loaded, so the field of each of a province's hundred-odd communes answers at once instead of asking the
  // loader again.
  const reference = async (ctx: SubgraphContext, code: string): Promise<ResolvedUnit<T> | null> => {
    let stats: T | null | Error;
    try {
      stats = await ctx.loaders.load(spec, code);
    } catch (error) {
      stats = error as Error;
    }
    return stats === null ? null : { ...unitReference(code), [STATISTICS]: stats };
  };
  const statistics = (unit: ResolvedUnit<T>, _: unknown, ctx: SubgraphContext): T | Promise<T> => {
    const loaded = unit[STATISTICS];
    if (loaded instanceof Error) throw loaded;
    if (loaded !== undefined) return loaded;
    // A unit this subgraph points at itself (a household's commune): not resolved as a reference.
    return ctx.loaders.load(spec, unit.code).then((stats) => known(unit.code, stats));
  };
  const resolvers = (codeArg: (name: string, value: string) => string) =>
    ({
      __resolveReference: (ref: UnitRef, ctx: SubgraphContext) => reference(ctx, codeArg("code", ref.code)),
      [field]: statistics,
    }) as UnitStatisticsResolvers<T, Field>;
  return { Province: resolvers(provinceCodeArg), Commune: resolvers(communeCodeArg) };
}

/**
 * The loads of fields a subgraph contributes to Province and Commune, for its `_entities` requests to start early
 * (kit/entityPrefetch.ts). A key the unit's rule refuses starts nothing: its reference resolves as the resolvers decide.
 */
export function unitEntityLoads(fields: Record<string, FieldLoad>): EntityLoads {
  const checked = (isKey: (key: string) => boolean): Record<string, FieldLoad> =>
    Object.fromEntries(
      Object.entries(fields).map(([name, load]): [string, FieldLoad] => [
        name,
        (key, args, ctx) => (isKey(key) ? load(key, args, ctx) : Promise.resolve(null)),
      ]),
    );
  return {
    Province: { key: "code", fields: checked(isProvinceCode) },
    Commune: { key: "code", fields: checked(isCommuneCode) },
  };
}

/** `unitEntityLoads` of the statistics `unitStatistics` resolves: the reference's own load. */
export function unitStatisticsLoads<T>(spec: LoaderSpec<T>, field: string): EntityLoads {
  return unitEntityLoads({ [field]: (code, _args, ctx) => ctx.loaders.load(spec, code) });
}
