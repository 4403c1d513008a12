import { badUserInput } from "../../common/errors.ts";
import { isCommuneCode, isProvinceCode } from "../../common/identifiers.ts";
import type { SubgraphContext } from "./context.ts";
import type { LoaderSpec } from "./loaders.ts";
import type { UnitRef } from "./platformRecords.ts";

// Administrative unit codes as arguments and references: a malformed code is the client's mistake and comes back
// as BAD_USER_INPUT naming the argument, before any platform call is spent on it.

export function provinceCodeArg(name: string, value: string): string {
  if (!isProvinceCode(value)) throw badUserInput(`${name}: '${value}' is not a 2-digit province code`);
  return value;
}

export function communeCodeArg(name: string, value: string): string {
  if (!isCommuneCode(value)) throw badUserInput(`${name}: '${value}' is not a 5-digit commune code`);
  return value;
}

/** The key of a Province or Commune owned by the reporting subgraph, for resolvers that point at one. */
export function unitReference(code: string): UnitRef {
  return { code };
}

/**
 * A subgraph's view of the units it contributes statistics to: a unit the platform has no statistics for is unknown
 * (its reference resolves to null), and the statistics come through the loader, batched over all units of a request.
 */
export function unitStatistics<T>(spec: LoaderSpec<T>, platform: string) {
  return {
    async reference(ctx: SubgraphContext, code: string): Promise<UnitRef | null> {
      return (await ctx.loaders.load(spec, code)) === null ? null : unitReference(code);
    },
    async of(ctx: SubgraphContext, code: string): Promise<T> {
      const stats = await ctx.loaders.load(spec, code);
      if (stats === null) throw badUserInput(`unit ${code}: the ${platform} has no statistics for it`);
      return stats;
    },
  };
}
