import { z } from "zod";
import { positiveInt } from "../../common/envSchema.ts";

/**
 * Who executes query plans: `own` is this folder's executor (batched entity fetches, results merged in place, compiled
 * shaping); `apollo` is @apollo/gateway's, kept as the reference the differential tests compare against.
 */
export const executorConfig = z
  .object({
    EXECUTOR: z.enum(["own", "apollo"]).default("own"),
    QUERY_PLAN_CACHE_ENTRIES: positiveInt(1000),
  })
  .transform((env) => ({ executor: env.EXECUTOR, planCacheEntries: env.QUERY_PLAN_CACHE_ENTRIES }));

export type ExecutorConfig = z.output<typeof executorConfig>;
