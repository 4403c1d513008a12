import { z } from "zod";
import { onOff } from "../../common/envSchema.ts";

/**
 * `FETCH_CACHE` switches the layer: `_entities` and root-field fetches alike. `ENTITY_CACHE`, its name from when it held
 * entities only, still works: either one `off` turns the whole layer off, so a deployment that switched the old layer
 * off does not start caching root fields on upgrade. `ENTITY_CACHE_STALE_IF_ERROR_SECONDS` is likewise the old name of
 * `FETCH_CACHE_STALE_IF_ERROR_SECONDS`, read when the new one is unset.
 */
export const fetchCacheConfig = z
  .object({
    FETCH_CACHE: onOff("on"),
    ENTITY_CACHE: onOff("on"),
    FETCH_CACHE_STALE_IF_ERROR_SECONDS: z.coerce.number().int().min(0).optional(),
    ENTITY_CACHE_STALE_IF_ERROR_SECONDS: z.coerce.number().int().min(0).default(300),
  })
  .transform((env) => ({
    enabled: env.FETCH_CACHE && env.ENTITY_CACHE,
    staleIfErrorSeconds: env.FETCH_CACHE_STALE_IF_ERROR_SECONDS ?? env.ENTITY_CACHE_STALE_IF_ERROR_SECONDS,
  }));
