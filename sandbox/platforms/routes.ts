import { badRequest, notFound } from "../http/problem.ts";
import type { ParamSpec, Query } from "../http/query.ts";
import type { Platform, Route } from "../http/route.ts";
import { itemsOf, pageOf, ref, string } from "../http/schema.ts";

/** The shapes every platform's endpoints share: batch lookups, single records, listings and their parameters. */

export const idsParam = (description: string, pattern?: string): ParamSpec => ({
  name: "ids",
  description,
  schema: string(pattern === undefined ? {} : { pattern }),
});
export const provinceParam = (description: string): ParamSpec => ({
  name: "province",
  description,
  schema: string({ pattern: "^\\d{2}$" }),
});
export const communeParam = (description: string): ParamSpec => ({
  name: "commune",
  description,
  schema: string({ pattern: "^\\d{5}$" }),
});
export const NAME_CONTAINS_PARAM: ParamSpec = {
  name: "nameContains",
  description: "Name contains this text (case and accents ignored).",
  schema: string(),
};

/** What identifies a collection's records: the `{…}` path segment and the check its values pass. */
export interface RecordId {
  param: "id" | "code";
  valid: (id: string) => boolean;
  /** What a valid id is, e.g. "a 2-digit province code": 400 messages and the path parameter's description. */
  what: string;
}

/**
 * The batch half of a collection endpoint: `ids` and nothing else, answered in request order with unknown ids
 * left out. Undefined when no `ids` were given, so the caller lists instead.
 */
export function batch<T>(
  query: Query,
  id: RecordId,
  find: (id: string) => T | null,
): { items: T[] } | undefined {
  const ids = query.list("ids", id.valid, id.what);
  if (!ids) return undefined;
  if (query.names().some((name) => name !== "ids")) {
    throw badRequest("ids cannot be combined with listing parameters");
  }
  return { items: ids.flatMap((each) => find(each) ?? []) };
}

export interface Collection<T> {
  /** Below the platform's base path, e.g. `citizens`. */
  name: string;
  /** The component schema of one record. */
  schema: string;
  id: RecordId;
  find: (id: string) => T | null;
  summary: string;
  params: ParamSpec[];
  /** Listings answer pages; collections without one answer `{items}` only. */
  paged: boolean;
  answer(query: Query): unknown;
  /** Summary of `GET <collection>/{id}`. */
  recordSummary: string;
}

/** "a 5-digit commune code" → "5-digit commune code." */
function describe(id: RecordId): string {
  const noun = id.what.replace(/^an? /, "");
  return `${noun[0]!.toUpperCase()}${noun.slice(1)}.`;
}

/**
 * A platform's collections: `GET <base>/<name>` (batch, listing) and `GET <base>/<name>/{id}`, which answers the
 * record, 400 when the id is malformed and 404 when it is unknown.
 */
export function collections(platform: Platform, base: string) {
  return <T>(spec: Collection<T>): Route[] => {
    const path = `${base}/${spec.name}`;
    const { id } = spec;
    return [
      {
        method: "GET",
        path,
        platform,
        summary: spec.summary,
        params: spec.params,
        response: spec.paged
          ? { anyOf: [itemsOf(ref(spec.schema)), pageOf(ref(spec.schema))] }
          : itemsOf(ref(spec.schema)),
        handle: ({ query }) => spec.answer(query),
      },
      {
        method: "GET",
        path: `${path}/{${id.param}}`,
        platform,
        summary: spec.recordSummary,
        params: [],
        pathParam: { name: id.param, description: describe(id), schema: string() },
        response: ref(spec.schema),
        handle({ id: value }) {
          if (!id.valid(value)) throw badRequest(`'${value}' is not ${id.what}`);
          const found = spec.find(value);
          if (found === null) throw notFound(`no record '${value}'`);
          return found;
        },
      },
    ];
  };
}
