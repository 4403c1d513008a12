import { z } from "zod";
import { optionalString } from "../../common/envSchema.ts";

export const opsConfig = z
  .object({ OPS_TOKEN: optionalString })
  .transform((env) => ({ token: env.OPS_TOKEN }));
