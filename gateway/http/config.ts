import { z } from "zod";
import { positiveInt } from "../../common/envSchema.ts";

export const serverConfig = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    GATEWAY_HOST: z.string().default("127.0.0.1"),
    GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    WORKERS: positiveInt(1),
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
    MAX_BODY_BYTES: positiveInt(100 * 1024),
    INTROSPECTION: z.enum(["on", "off"]).optional(),
    LANDING_OPERATIONS_DIR: z.string().default("schema/operations"),
  })
  .transform((env) => ({
    production: env.NODE_ENV === "production",
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    workers: env.WORKERS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    maxBodyBytes: env.MAX_BODY_BYTES,
    // A government gateway does not hand its schema to strangers: off in production unless asked for.
    introspection: env.INTROSPECTION ? env.INTROSPECTION === "on" : env.NODE_ENV !== "production",
    landingOperationsDir: env.LANDING_OPERATIONS_DIR,
  }));
