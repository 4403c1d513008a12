import { z } from "zod";
import { optionalString, perNameOverrides, positiveInt } from "../../common/envSchema.ts";

export const subgraphsConfig = z
  .looseObject({ SUBGRAPH_CONNECTIONS: positiveInt(64) })
  .transform((env, ctx) => ({
    connections: env.SUBGRAPH_CONNECTIONS,
    /** SUBGRAPH_URL_<NAME>: where one subgraph really is, when not where the supergraph says. */
    urlOverrides: perNameOverrides(env, "SUBGRAPH_URL_", z.url(), ctx),
  }));

export const internalContextConfig = z
  .object({ INTERNAL_CONTEXT_SECRET: optionalString })
  .transform((env) => ({ secret: env.INTERNAL_CONTEXT_SECRET }));
