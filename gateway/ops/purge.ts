import { z } from "zod";
import { CACHE_TAG_PATTERN, typeTagOf } from "../../common/cacheTags.ts";
import { entityPurgePrefix, ROOT_FETCH_PREFIX } from "../cacheStore/keys.ts";
import type { CacheStore } from "../cacheStore/store.ts";
import type { HttpRoute } from "../http/routes.ts";
import type { Logger } from "../observability/logger.ts";
import { hasOpsToken } from "./opsToken.ts";

export const PURGE_PATH = "/ops/purge";

const graphqlName = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, "must be a GraphQL type name");
const MAX_PURGE_TAGS = 1000;
const cacheTag = z.string().regex(CACHE_TAG_PATTERN, "must be a cache tag: <type> or <type>:<key>");
const tagsPurge = z.strictObject({ tags: z.array(cacheTag).min(1).max(MAX_PURGE_TAGS) });
const purgeRequest = z.union([
  z.strictObject({ scope: z.literal("all") }),
  tagsPurge,
  z.strictObject({
    type: graphqlName,
    key: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
]);
export type PurgeRequest = z.infer<typeof purgeRequest>;

export interface PurgeOptions {
  /** Null disables the endpoint (404): no token configured means nobody is meant to purge over HTTP. */
  opsToken: string | null;
  stores: { response: CacheStore; entity: CacheStore };
  logger: Logger;
}

export interface PurgeCounts {
  entity: number;
  response: number;
}

/**
 * By tags, exactly the entries of both layers that carry one (the tag index of the store; every replica's on Redis).
 * Entities are purged precisely (one type, or one entity by its key fields — entity keys start with type and key).
 * Responses cannot be found by the entities inside them, so any purge empties the whole response cache: a stale
 * response must not outlive the entity an operator just purged.
 */
export async function purgeCaches(
  stores: PurgeOptions["stores"],
  request: PurgeRequest,
): Promise<PurgeCounts> {
  if ("tags" in request) {
    // Tags name what is inside a response, so unlike the other forms this one keeps every untagged response.
    const [entity, response] = await Promise.all([
      stores.entity.purgeTags(request.tags),
      stores.response.purgeTags(request.tags),
    ]);
    return { entity, response };
  }
  const entityPrefix = "scope" in request ? "" : entityPurgePrefix(request.type, request.key);
  const [entity, rootFetches, response] = await Promise.all([
    stores.entity.purge(entityPrefix),
    // Like responses, root-field fetches cannot be found by the entities inside them ("" above already took them).
    "scope" in request ? 0 : stores.entity.purge(ROOT_FETCH_PREFIX),
    stores.response.purge(""),
  ]);
  return { entity: entity + rootFetches, response };
}

/**
 * `POST /ops/purge` with `Authorization: Bearer <OPS_TOKEN>`; body `{scope:"all"}` | `{type}` | `{type, key}` |
 * `{tags:["province:40", …]}`.
 */
export function createPurgeRoute(options: PurgeOptions): HttpRoute {
  const { opsToken, stores, logger } = options;
  return {
    method: "POST",
    path: PURGE_PATH,
    async handle({ headers, body, requestId }) {
      if (opsToken === null)
        return { status: 404, body: { error: "ops endpoints are disabled (no OPS_TOKEN configured)" } };
      if (!hasOpsToken(headers, opsToken)) {
        return { status: 401, body: { error: "a valid ops bearer token is required" } };
      }
      const parsed = purgeRequest.safeParse(body);
      if (!parsed.success) {
        return {
          status: 400,
          body: {
            error:
              'expected {"scope":"all"}, {"type":"<Type>"}, {"type":"<Type>","key":{...key fields}} or ' +
              `{"tags":["<type>:<key>", …]} (1 to ${MAX_PURGE_TAGS} tags of lowercase type, ':', key of letters, ` +
              "digits, '.', '_', '-')",
            ...detailOf(tagProblem(body)),
          },
        };
      }
      try {
        const purged = await purgeCaches(stores, parsed.data);
        // Key values can be personal data (a citizen id): log which fields, never their values.
        logger.info(
          {
            requestId,
            purge: purgeKind(parsed.data),
            keyFields: keyFieldNames(parsed.data),
            purged,
          },
          "caches purged",
        );
        return { status: 200, body: { purged } };
      } catch (error) {
        logger.warn({ requestId, err: { message: (error as Error).message } }, "cache purge failed");
        return { status: 503, body: { error: "cache store unavailable; nothing or only part was purged" } };
      }
    },
  };
}

function purgeKind(request: PurgeRequest): string | { tags: number; types: string[] } {
  if ("scope" in request) return "all";
  // Tags are not personal by construction, but a caller may send anything that fits the grammar: log types and a count.
  if ("tags" in request)
    return { tags: request.tags.length, types: [...new Set(request.tags.map(typeTagOf))] };
  return request.type;
}

function detailOf(problem: string | null): { detail?: string } {
  return problem ? { detail: problem } : {};
}

/** Which tag of a `{tags}` body is wrong, for the 400's detail; null for any other body. */
function tagProblem(body: unknown): string | null {
  if (body === null || typeof body !== "object" || !("tags" in body)) return null;
  const result = tagsPurge.safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  return `${["body", ...issue.path].join(".")}: ${issue.message}`;
}

function keyFieldNames(request: PurgeRequest): string[] | undefined {
  return "key" in request && request.key ? Object.keys(request.key) : undefined;
}
