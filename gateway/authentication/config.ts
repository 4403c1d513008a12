import { z } from "zod";
import { optionalString } from "../../common/envSchema.ts";

export const authenticationConfig = z
  .object({
    AUTH_JWT_SECRET: optionalString,
    AUTH_JWKS_URL: optionalString.pipe(z.url().nullable()),
    AUTH_ISSUER: optionalString,
    AUTH_AUDIENCE: optionalString,
  })
  .transform((env) => ({
    jwtSecret: env.AUTH_JWT_SECRET,
    jwksUrl: env.AUTH_JWKS_URL,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
  }));
