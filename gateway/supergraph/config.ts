import { z } from "zod";
import { onOff } from "../../common/envSchema.ts";

export const supergraphConfig = z
  .object({
    SUPERGRAPH_PATH: z.string().default("schema/supergraph.graphql"),
    SUPERGRAPH_WATCH: onOff("on"),
  })
  .transform((env) => ({ path: env.SUPERGRAPH_PATH, watch: env.SUPERGRAPH_WATCH }));
