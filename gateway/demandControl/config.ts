import { z } from "zod";
import { positiveInt } from "../../common/envSchema.ts";

export const demandControlConfig = z
  .object({
    MAX_DEPTH: positiveInt(12),
    MAX_ALIASES: positiveInt(30),
    MAX_TOKENS: positiveInt(2000),
    MAX_COST: positiveInt(5000),
    COST_LIST_SIZE: positiveInt(10),
    MAX_BATCH: positiveInt(10),
  })
  .transform((env) => ({
    maxDepth: env.MAX_DEPTH,
    maxAliases: env.MAX_ALIASES,
    maxTokens: env.MAX_TOKENS,
    maxCost: env.MAX_COST,
    // Assumed length of a list with no @listSize (its own, or a parent's sizedFields) when estimating cost.
    costListSize: env.COST_LIST_SIZE,
    maxBatch: env.MAX_BATCH,
  }));

export type DemandControlConfig = z.output<typeof demandControlConfig>;
