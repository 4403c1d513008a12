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

/** A collection answers either a batch (`{items}`) or a page of a listing. */
export const itemsOrPageOf = (schema: string) => ({
  anyOf: [itemsOf(ref(schema)), pageOf(ref(schema))],
});

/**
 * The batch half of a collection endpoint: `ids` and nothing else, answered in request order with unknown ids
 * left out. Undefined when no `ids` were given, so the caller lists instead.
 */
export function batch<T>(
  query: Query,
  valid: (id: string) => boolean,
  what: string,
  find: (id: string) => T | null,
): { items: T[] } | undefined {
  const ids = query.list("ids", valid, what);
  if (!ids) return undefined;
  if (query.names().some((name) => name !== "ids")) {
    throw badRequest("ids cannot be combined with listing parameters");
  }
  return { items: ids.flatMap((id) => find(id) ?? []) };
}

export interface RecordRoute<T> {
  path: string;
  platform: Platform;
  summary: string;
  /** The `{…}` segment, documented. */
  pathParam: ParamSpec;
  /** Name of the record's component schema. */
  schema: string;
  valid: (id: string) => boolean;
  /** What a valid id is, for the 400 message. */
  what: string;
  find: (id: string) => T | null;
}

/** `GET <collection>/{id}`: the record, 400 when the id is malformed, 404 when unknown. */
export function recordRoute<T>(spec: RecordRoute<T>): Route {
  return {
    method: "GET",
    path: spec.path,
    platform: spec.platform,
    summary: spec.summary,
    params: [],
    pathParam: spec.pathParam,
    response: ref(spec.schema),
    handle({ id }) {
      if (!spec.valid(id)) throw badRequest(`'${id}' is not ${spec.what}`);
      const found = spec.find(id);
      if (found === null) throw notFound(`no record '${id}'`);
      return found;
    },
  };
}
