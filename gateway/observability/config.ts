import { z } from "zod";
import { logLevel } from "../../common/envSchema.ts";

export { tracingConfig } from "../../common/tracing.ts";

export const logConfig = z.object({ LOG_LEVEL: logLevel }).transform((env) => ({ level: env.LOG_LEVEL }));
