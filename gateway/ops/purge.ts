import { z } from "zod";
import { entityPurgePrefix, ROOT_FETCH_PREFIX } from "../cacheStore/keys.ts";
import type { CacheStore } from "../cacheStore/store.ts";
import type { HttpRoute } from "../http/routes.ts";
import type { Logger } from "../observability/logger.ts";
import { hasOpsToken } from "./opsToken.ts";

export const PURGE_PATH = "/ops/purge";

const graphqlName = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, "must be a GraphQL type name");
const purgeRequest = z.union([
  z.strictObject({ scope: z.literal("all") }),
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
 * Entities are purged precisely (one type, or one entity by its key fields — entity keys start with type and key).
 * Responses cannot be found by the entities inside them, so any purge empties the whole response cache: a stale
 * response must not outlive the entity an operator just purged.
 */
export async function purgeCaches(
  stores: PurgeOptions["stores"],
  request: PurgeRequest,
): Promise<PurgeCounts> {
  const entityPrefix = "scope" in request ? "" : entityPurgePrefix(request.type, request.key);
  const [entity, rootFetches, response] = await Promise.all([
    stores.entity.purge(entityPrefix),
    // Like responses, root-field fetches cannot be found by the entities inside them ("" above already took them).
    "scope" in request ? 0 : stores.entity.purge(ROOT_FETCH_PREFIX),
    stores.response.purge(""),
  ]);
  return { entity: entity + rootFetches, response };
}

/** `POST /ops/purge` with `Authorization: Bearer <OPS_TOKEN>`; body `{scope:"all"}` | `{type}` | `{type, key}`. */
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
            error: 'expected {"scope":"all"}, {"type":"<Type>"} or {"type":"<Type>","key":{...key fields}}',
          },
        };
      }
      try {
        const purged = await purgeCaches(stores, parsed.data);
        // Key values can be personal data (a citizen id): log which fields, never their values.
        logger.info(
          {
            requestId,
            purge: "scope" in parsed.data ? "all" : parsed.data.type,
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

function keyFieldNames(request: PurgeRequest): string[] | undefined {
  return "key" in request && request.key ? Object.keys(request.key) : undefined;
}
