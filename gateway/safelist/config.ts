import { z } from "zod";
import { onOff } from "../../common/envSchema.ts";

export const safelistConfig = z
  .object({ SAFELIST: onOff("off"), SAFELIST_DIR: z.string().default("schema/operations") })
  .transform((env) => ({ enabled: env.SAFELIST, dir: env.SAFELIST_DIR }));
