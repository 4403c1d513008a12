import { z } from "zod";
import { onOff } from "../../common/envSchema.ts";

export const apqConfig = z
  .object({ APQ_CACHE: onOff("on") })
  .transform((env) => ({ enabled: env.APQ_CACHE }));
