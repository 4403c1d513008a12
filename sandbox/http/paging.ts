import { LRUCache } from "lru-cache";
import { badRequest } from "./problem.ts";
import type { ParamSpec, Query } from "./query.ts";
import { integer, string } from "./schema.ts";

/** Cursor pagination over positions 0…total−1 of an ordered listing. */

export const PAGE_PARAMS: ParamSpec[] = [
  {
    name: "limit",
    description: "Page size, 1–500 (default 50).",
    schema: integer({ minimum: 1, maximum: 500 }),
  },
  { name: "cursor", description: "Opaque cursor: the previous page's nextCursor.", schema: string() },
];
const DEFAULT_LIMIT = 50;

export interface Page<T> {
  items: T[];
  totalCount: number;
  nextCursor: string | null;
}

const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString("base64url");

function decodeCursor(cursor: string): number {
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw badRequest(`cursor: '${cursor}' is not a cursor issued by this API`);
  return Number(match[1]);
}

export function page<T>(query: Query, total: number, at: (position: number) => T): Page<T> {
  const limit = query.integer("limit", 1, 500) ?? DEFAULT_LIMIT;
  const cursor = query.string("cursor");
  const offset = cursor === undefined ? 0 : decodeCursor(cursor);
  const end = Math.min(total, offset + limit);
  const items: T[] = [];
  for (let position = offset; position < end; position++) items.push(at(position));
  return { items, totalCount: total, nextCursor: end < total ? encodeCursor(end) : null };
}

/** A page of a listing already held in full. */
export function pageOfList<T>(query: Query, items: readonly T[]): Page<T> {
  return page(query, items.length, (position) => items[position]!);
}

/**
 * Filtered listings scan once and keep the matching positions, so paging through a filter costs one scan.
 * Bounded by bytes: the records themselves are re-derived, only positions are kept.
 */
export interface MatchCache {
  /** A page of the positions in 0…total−1 that `accepts`; `key` names the listing and its filters. */
  page<T>(
    query: Query,
    key: string,
    total: number,
    accepts: (position: number) => boolean,
    at: (position: number) => T,
  ): Page<T>;
}

export function createMatchCache(maxBytes: number): MatchCache {
  const cache = new LRUCache<string, Int32Array>({
    maxSize: maxBytes,
    sizeCalculation: (value) => Math.max(1, value.byteLength),
  });
  return {
    page(query, key, total, accepts, at) {
      let found = cache.get(key);
      if (!found) {
        const positions: number[] = [];
        for (let position = 0; position < total; position++) {
          if (accepts(position)) positions.push(position);
        }
        found = Int32Array.from(positions);
        cache.set(key, found);
      }
      const matching = found;
      return page(query, matching.length, (k) => at(matching[k]!));
    },
  };
}
