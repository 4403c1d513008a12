import { z } from "zod";
import { onOff } from "../../common/envSchema.ts";

export const dedupConfig = z.object({ DEDUP: onOff("on") }).transform((env) => ({ enabled: env.DEDUP }));
