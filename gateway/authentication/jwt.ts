import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from "jose";
import { ANONYMOUS, type Caller } from "../../common/caller.ts";
import { parseScopeClaim, ScopeClaimError } from "../authorization/scopes.ts";

/**
 * Signs tokens for `npm start` and `npm run token` when AUTH_JWT_SECRET is unset. Development only: anyone can read
 * it here, which is why a production start refuses to run without a real key source (see `resolveKeySource`).
 */
export const DEV_JWT_SECRET = "lienthong-dev-only-secret-never-use-in-production";

export interface TokenVerifierConfig {
  jwtSecret: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
  production: boolean;
}

export interface KeySource {
  secret: Uint8Array | null;
  jwksUrl: URL | null;
}

export class AuthConfigError extends Error {}

const MIN_PRODUCTION_SECRET_BYTES = 32;

/** Which keys tokens are checked against; a production start without a real key source is a configuration error. */
export function resolveKeySource(config: TokenVerifierConfig): KeySource {
  const jwksUrl = config.jwksUrl ? new URL(config.jwksUrl) : null;
  if (config.production) {
    if (!config.jwtSecret && !jwksUrl) {
      throw new AuthConfigError(
        "NODE_ENV=production needs AUTH_JWKS_URL (RS256/ES256) or AUTH_JWT_SECRET (HS256): there is no default key in production",
      );
    }
    if (config.jwtSecret === DEV_JWT_SECRET) {
      throw new AuthConfigError("AUTH_JWT_SECRET is the published development secret: set a private one");
    }
    if (config.jwtSecret && Buffer.byteLength(config.jwtSecret) < MIN_PRODUCTION_SECRET_BYTES) {
      throw new AuthConfigError(
        `AUTH_JWT_SECRET must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes for HS256`,
      );
    }
  }
  const secret = config.jwtSecret ?? (jwksUrl ? null : DEV_JWT_SECRET);
  return { secret: secret ? new TextEncoder().encode(secret) : null, jwksUrl };
}

const HMAC_ALGORITHMS = ["HS256"];
const PUBLIC_KEY_ALGORITHMS = ["RS256", "ES256"];
const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_TOKEN_LENGTH = 8192;
const SUB_PATTERN = /^[\w.@:|-]{1,128}$/;
const PROVINCE_PATTERN = /^\d{2}$/;
const COMMUNE_PATTERN = /^\d{5}$/;

/** A present but unusable token: 401, never treated as anonymous. */
export function unauthenticated(reason: string): GraphQLError {
  // Apollo Server reads `http.headers` as a Map; typed loosely because graphql-yoga's global augmentation of
  // GraphQLErrorExtensions (pulled in by @graphql-hive/gateway) declares a plain record there.
  const extensions: Record<string, unknown> = {
    code: "UNAUTHENTICATED",
    http: {
      status: 401,
      headers: new HeaderMap([
        ["www-authenticate", `Bearer error="invalid_token", error_description="${reason}"`],
      ]),
    },
  };
  return new GraphQLError(`Invalid token: ${reason}`, { extensions });
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad signature";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return `missing ${error.claim} claim`;
    if (error.claim === "aud") return "wrong audience";
    if (error.claim === "iss") return "wrong issuer";
    if (error.claim === "nbf") return "token not yet valid";
    return `invalid ${error.claim} claim`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "signing algorithm not accepted";
  if (error instanceof errors.JWKSNoMatchingKey) return "no signing key matches the token";
  if (error instanceof errors.JWKSTimeout) return "signing keys unavailable, try again later";
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return "malformed token";
  if (error instanceof errors.JOSEError) return "token could not be verified";
  return "signing keys unavailable, try again later";
}

function optionalClaim(payload: JWTPayload, name: string, pattern: RegExp, shape: string): string | null {
  const value = payload[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !pattern.test(value))
    throw unauthenticated(`the ${name} claim must be ${shape}`);
  return value;
}

export function callerFromClaims(payload: JWTPayload): Caller {
  if (typeof payload.sub !== "string" || !SUB_PATTERN.test(payload.sub)) {
    throw unauthenticated("the sub claim must be a short identifier");
  }
  let scopes: string[];
  try {
    scopes = parseScopeClaim(payload.scope);
  } catch (error) {
    if (error instanceof ScopeClaimError) throw unauthenticated(error.message);
    throw error;
  }
  return {
    sub: payload.sub,
    scopes,
    province: optionalClaim(payload, "province", PROVINCE_PATTERN, "a 2-digit province code"),
    commune: optionalClaim(payload, "commune", COMMUNE_PATTERN, "a 5-digit commune code"),
  };
}

export interface TokenVerifier {
  /** The caller an Authorization header stands for: anonymous without one, a 401 GraphQLError when it is unusable. */
  verify(authorization: string | null | undefined): Promise<Caller>;
}

export interface TokenVerifierDeps {
  /** How long after a fetch an unknown `kid` may trigger another one (jose's cooldown; default 30 s). */
  jwksCooldownMs?: number;
}

export function createTokenVerifier(
  config: TokenVerifierConfig,
  deps: TokenVerifierDeps = {},
): TokenVerifier {
  const keys = resolveKeySource(config);
  // createRemoteJWKSet caches the key set and refetches it (after a cooldown) when a token names an unknown kid.
  const jwks = keys.jwksUrl
    ? createRemoteJWKSet(keys.jwksUrl, {
        cacheMaxAge: 10 * 60_000,
        cooldownDuration: deps.jwksCooldownMs ?? 30_000,
        timeoutDuration: 5000,
      })
    : null;
  const options = {
    issuer: config.issuer ?? undefined,
    audience: config.audience ?? undefined,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ["exp", "sub"],
  };

  async function verifyToken(token: string): Promise<JWTPayload> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthenticated("malformed token");
    }
    // The algorithm picks the key, and each key only accepts its own family: an HS256 token can never be checked
    // against a public key used as an HMAC secret, and `alg: none` matches no key at all.
    if (alg && HMAC_ALGORITHMS.includes(alg) && keys.secret) {
      return (await jwtVerify(token, keys.secret, { ...options, algorithms: HMAC_ALGORITHMS })).payload;
    }
    if (alg && PUBLIC_KEY_ALGORITHMS.includes(alg) && jwks) {
      return (await jwtVerify(token, jwks, { ...options, algorithms: PUBLIC_KEY_ALGORITHMS })).payload;
    }
    // The name is the client's own text and ends up in a response header: only a plausible one is repeated.
    const named = typeof alg === "string" && /^[A-Za-z0-9]{1,16}$/.test(alg) ? alg : "(unrecognised)";
    throw unauthenticated(`signing algorithm ${named} not accepted`);
  }

  return {
    async verify(authorization) {
      if (authorization === undefined || authorization === null || authorization === "") return ANONYMOUS;
      const match = /^Bearer +([A-Za-z0-9_.-]+)$/i.exec(authorization);
      if (!match) throw unauthenticated("the Authorization header must be 'Bearer <token>'");
      const token = match[1]!;
      if (token.length > MAX_TOKEN_LENGTH) throw unauthenticated("token too long");
      let payload: JWTPayload;
      try {
        payload = await verifyToken(token);
      } catch (error) {
        if (error instanceof GraphQLError) throw error;
        throw unauthenticated(describeJoseError(error));
      }
      return callerFromClaims(payload);
    },
  };
}
