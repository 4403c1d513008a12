import { SignJWT } from "jose";

export interface TokenClaims {
  sub: string;
  scopes: string[];
  province?: string | null;
  commune?: string | null;
}

export interface SignTokenOptions {
  secret: string;
  /** jose time span: "1h", "30m", "2d"; or seconds. */
  ttl: string | number;
  issuer?: string | null;
  audience?: string | null;
}

/** An HS256 token of the shape the gateway's verifier accepts (for `npm run token` and tests). */
export async function signToken(claims: TokenClaims, options: SignTokenOptions): Promise<string> {
  const payload: Record<string, string> = {};
  if (claims.scopes.length > 0) payload.scope = claims.scopes.join(" ");
  if (claims.province) payload.province = claims.province;
  if (claims.commune) payload.commune = claims.commune;
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(typeof options.ttl === "number" ? `${options.ttl}s` : options.ttl);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
