import { PAGE_PARAMS } from "../http/paging.ts";
import { badRequest, notFound } from "../http/problem.ts";
import type { ParamSpec, Query } from "../http/query.ts";
import type { Platform, Route } from "../http/route.ts";
import { itemsOf, pageOf, ref, string } from "../http/schema.ts";

/** The shapes every platform's endpoints share: batch lookups, single records, listings. */

/** What identifies a collection's records: the `{…}` path segment and the check its values pass. */
export interface RecordId {
  param: "id" | "code";
  valid: (id: string) => boolean;
  /** What a valid id is, e.g. "a 2-digit province code": 400 messages and the path parameter's description. */
  what: string;
}

/**
 * The batch half of a collection endpoint: `ids` and nothing else, answered in request order with unknown ids
 * left out. Undefined when no `ids` were given, so the collection lists instead.
 */
function batch<T>(query: Query, id: RecordId, find: (id: string) => T | null): { items: T[] } | undefined {
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
  /** Listings answer pages (and take `limit` and `cursor`); the others answer `{items}`. */
  paged: boolean;
  /** The answer when no `ids` are given. */
  list(query: Query): unknown;
  /** Summary of `GET <collection>/{id}`. */
  recordSummary: string;
}

/** "a 5-digit commune code" → "5-digit commune code." */
function describe(id: RecordId): string {
  const noun = id.what.replace(/^an? /, "");
  return `${noun[0]!.toUpperCase()}${noun.slice(1)}.`;
}

/** A plain `GET <base>/<name>` endpoint of a platform. */
export type Endpoint = Omit<Route, "method" | "path" | "platform"> & { name: string };

/**
 * Route builders bound to one platform: `get` for an endpoint, `collection` for `GET <base>/<name>` (batch,
 * listing) with its `GET <base>/<name>/{id}`, which answers the record, 400 when the id is malformed and 404
 * when it is unknown.
 */
export function platformRoutes(platform: Platform, base: string) {
  const get = ({ name, ...endpoint }: Endpoint): Route => ({
    method: "GET",
    path: `${base}/${name}`,
    platform,
    ...endpoint,
  });
  const collection = <T>(spec: Collection<T>): Route[] => {
    const { id } = spec;
    return [
      get({
        name: spec.name,
        summary: spec.summary,
        params: spec.paged ? [...spec.params, ...PAGE_PARAMS] : spec.params,
        response: spec.paged
          ? { anyOf: [itemsOf(ref(spec.schema)), pageOf(ref(spec.schema))] }
          : itemsOf(ref(spec.schema)),
        handle: ({ query }) => batch(query, id, spec.find) ?? spec.list(query),
      }),
      get({
        name: `${spec.name}/{${id.param}}`,
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
      }),
    ];
  };
  return { get, collection };
}
