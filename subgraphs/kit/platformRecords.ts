// Shapes every platform API shares (sandbox/API.md, Conventions) and the helpers to turn them into loader results.

/** Batch lookups and statistics answer `{ items }`. */
export interface Items<T> {
  items: T[];
}

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
