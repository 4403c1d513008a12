import { z } from "zod";
import { onOff } from "../../common/envSchema.ts";

export const responseCacheConfig = z
  .object({ RESPONSE_CACHE: onOff("on") })
  .transform((env) => ({ enabled: env.RESPONSE_CACHE }));
