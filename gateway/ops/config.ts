import { z } from "zod";
import { optionalString } from "../../common/envSchema.ts";

export const opsConfig = z
  .object({
    OPS_TOKEN: optionalString,
    // Unset: no ops listener; /metrics and the details of /ready are then only for the ops token on the public port.
    OPS_PORT: z.preprocess(
      (value) => (value === "" ? undefined : value),
      z.coerce.number().int().min(0).max(65535).optional(),
    ),
    // Loopback unless an operator opens it: metrics and readiness details are for the platform, not the public.
    OPS_HOST: z.string().default("127.0.0.1"),
  })
  .transform((env) => ({
    token: env.OPS_TOKEN,
    listener: env.OPS_PORT === undefined ? null : { port: env.OPS_PORT, host: env.OPS_HOST },
  }));
