import { z } from "zod";
import { DEV_JWT_SECRET } from "../authentication/jwt.ts";
import { signToken } from "../authentication/signToken.ts";
import type { HttpRoute } from "../http/routes.ts";

export const TOKEN_PATH = "/explorer/token";
const TOKEN_TTL = "1h";

const tokenRequest = z.strictObject({
  scopes: z.array(z.string().regex(/^[A-Za-z0-9:._-]{1,64}$/)).max(20),
  province: z
    .string()
    .regex(/^\d{2}$/, "a 2-digit province code")
    .nullable(),
  commune: z
    .string()
    .regex(/^\d{5}$/, "a 5-digit commune code")
    .nullable(),
});

/**
 * `POST /explorer/token`: what `npm run token` prints, for the explorer's token panel. Only wired in development with
 * a local HS256 secret, where anyone who can reach the gateway could run `npm run token` anyway.
 */
export function createTokenRoute(signing: {
  secret: string;
  issuer: string | null;
  audience: string | null;
}): HttpRoute {
  return {
    method: "POST",
    path: TOKEN_PATH,
    async handle({ body }) {
      const parsed = tokenRequest.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return { status: 400, body: { error: `${issue.path.join(".") || "body"}: ${issue.message}` } };
      }
      const token = await signToken(
        { sub: "explorer-developer", ...parsed.data },
        { ...signing, ttl: TOKEN_TTL },
      );
      return { status: 200, body: { token, expiresIn: TOKEN_TTL } };
    },
  };
}

/**
 * The local HS256 signer the explorer may mint with: development only, and only where the gateway itself verifies
 * tokens with a shared secret (the configured one, or the development default when no JWKS is set).
 */
export function localSigner(
  authentication: {
    jwtSecret: string | null;
    jwksUrl: string | null;
    issuer: string | null;
    audience: string | null;
  },
  production: boolean,
) {
  if (production) return null;
  const secret = authentication.jwtSecret ?? (authentication.jwksUrl ? null : DEV_JWT_SECRET);
  return secret ? { secret, issuer: authentication.issuer, audience: authentication.audience } : null;
}
