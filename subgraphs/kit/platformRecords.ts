import type { LoaderSpec } from "./loaders.ts";
import type { UpstreamClient, UpstreamQuery } from "./upstream.ts";

// Shapes every platform API shares (sandbox/API.md, Conventions) and the loader specs built on them, so that a
// subgraph's platform.ts only names its record kinds, paths and keys.

/** Batch lookups and statistics answer `{ items }`. */
export interface Items<T> {
  items: T[];
}

/** The largest page a listing answers (`limit` 1..500). */
export const PLATFORM_MAX_PAGE = 500;

/** Listings answer a page with the total and the cursor of the next page. */
export interface ListPage<T> {
  items: T[];
  totalCount: number;
  nextCursor: string | null;
}

export function indexBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [keyOf(item), item]));
}

/** Every requested key gets a list (empty when the platform had nothing for it). */
export function groupBy<T>(
  keys: readonly string[],
  items: readonly T[],
  keyOf: (item: T) => string,
): Map<string, T[]> {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const item of items) groups.get(keyOf(item))?.push(item);
  return groups;
}

/** Statistics endpoints take provinces and communes in separate parameters; the code length tells them apart. */
export function unitCodeParams(codes: readonly string[]): { provinces?: string[]; communes?: string[] } {
  const provinces = codes.filter((code) => code.length === 2);
  const communes = codes.filter((code) => code.length !== 2);
  return {
    ...(provinces.length > 0 ? { provinces } : {}),
    ...(communes.length > 0 ? { communes } : {}),
  };
}

/** A province or commune as another subgraph refers to it: only its key. */
export interface UnitRef {
  code: string;
}

/** What a spec built here is told: its kind and freshness; the fetch comes from the helper. */
export type SpecOf<T> = Omit<LoaderSpec<T>, "fetchMany">;

/** One kind of record the platform looks up by key in batches: `GET <path>?ids=a,b,c` → `{ items }`. */
export interface BatchLookup<T> {
  /** The GraphQL type the records are served as: its @cacheControl maxAge is their record-cache TTL. */
  type: string;
  path: string;
  keyOf: (record: T) => string;
}

/**
 * The batch-lookup specs of a platform, one per entry of `lookups`, of kind `<platform>.<entry name>` (the record
 * cache key and metrics label) and TTL `maxAge(entry.type)`.
 */
export function batchLookups<Records>(
  upstream: UpstreamClient,
  maxAge: (typeName: string) => number,
  lookups: { [K in keyof Records]: BatchLookup<Records[K]> },
): { [K in keyof Records]: LoaderSpec<Records[K]> } {
  const specs: Record<string, LoaderSpec<unknown>> = {};
  for (const [name, { type, path, keyOf }] of Object.entries(
    lookups as Record<string, BatchLookup<unknown>>,
  )) {
    specs[name] = {
      kind: `${upstream.platform}.${name}`,
      ttlSeconds: maxAge(type),
      async fetchMany(ids) {
        const { items } = await upstream.get<Items<unknown>>(path, { ids }, { route: path });
        return indexBy(items, keyOf);
      },
    };
  }
  return specs as { [K in keyof Records]: LoaderSpec<Records[K]> };
}

/**
 * Statistics keyed by province (2 digits) or commune (5 digits) code, of kind `<platform>.<name>`:
 * `GET <path>?provinces=…&communes=…` plus the parameters the variant stands for → `{ items: [{ unitCode, … }] }`.
 */
export function unitStatsLookup<T extends { unitCode: string }>(
  upstream: UpstreamClient,
  name: string,
  ttlSeconds: number,
  path = "/stats",
  variantParams: (variant: string) => UpstreamQuery = () => ({}),
): LoaderSpec<T> {
  return {
    kind: `${upstream.platform}.${name}`,
    ttlSeconds,
    async fetchMany(unitCodes, variant) {
      const { items } = await upstream.get<Items<T>>(
        path,
        { ...unitCodeParams(unitCodes), ...variantParams(variant) },
        { route: path },
      );
      return indexBy(items, (stats) => stats.unitCode);
    },
  };
}

/** A call that answers one whole value per key (a programme, a year, an applicant's page): one call per key. */
export function oneCallPerKey<T>(
  spec: SpecOf<T>,
  fetchOne: (key: string, variant: string) => Promise<T>,
): LoaderSpec<T> {
  return {
    ...spec,
    async fetchMany(keys, variant) {
      return new Map(
        await Promise.all(keys.map(async (key) => [key, await fetchOne(key, variant)] as const)),
      );
    },
  };
}
