import { z } from "zod";
import { onOff } from "../../common/envSchema.ts";

export const fetchCacheConfig = z
  .object({
    ENTITY_CACHE: onOff("on"),
    ENTITY_CACHE_STALE_IF_ERROR_SECONDS: z.coerce.number().int().min(0).default(300),
  })
  .transform((env) => ({
    enabled: env.ENTITY_CACHE,
    staleIfErrorSeconds: env.ENTITY_CACHE_STALE_IF_ERROR_SECONDS,
  }));
