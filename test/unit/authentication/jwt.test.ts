import { GraphQLError } from "graphql";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthConfigError,
  createTokenVerifier,
  DEV_JWT_SECRET,
  resolveKeySource,
  type TokenVerifierConfig,
} from "../../../gateway/authentication/jwt.ts";
import { signToken } from "../../../gateway/authentication/signToken.ts";

const SECRET = "unit-test-secret-of-at-least-32-bytes!!";
const JWKS_URL = "https://idp.test/.well-known/jwks.json";
const base: TokenVerifierConfig = {
  jwtSecret: SECRET,
  jwksUrl: null,
  issuer: null,
  audience: null,
  production: false,
};

async function rejection(promise: Promise<unknown>): Promise<GraphQLError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the token to be refused");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  const graphQLError = error as GraphQLError;
  expect(graphQLError.extensions.code).toBe("UNAUTHENTICATED");
  expect((graphQLError.extensions.http as { status: number }).status).toBe(401);
  return graphQLError;
}

const bearer = (token: string) => `Bearer ${token}`;

describe("HS256 tokens", () => {
  const verifier = createTokenVerifier({ ...base, issuer: "lienthong-idp", audience: "lienthong-gateway" });
  const sign = (claims: Record<string, unknown>, key = SECRET, exp: string | number = "5m") =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("officer-1")
      .setIssuer("lienthong-idp")
      .setAudience("lienthong-gateway")
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(key));

  it("turns a valid token into a caller with its scopes, province and commune", async () => {
    const token = await sign({ scope: "population:read dossier:read", province: "40", commune: "16681" });
    await expect(verifier.verify(bearer(token))).resolves.toEqual({
      sub: "officer-1",
      scopes: ["population:read", "dossier:read"],
      province: "40",
      commune: "16681",
    });
  });

  it("treats a request without Authorization as anonymous", async () => {
    await expect(verifier.verify(undefined)).resolves.toEqual({
      sub: null,
      scopes: [],
      province: null,
      commune: null,
    });
  });

  it("refuses an expired token and says so", async () => {
    const token = await sign({}, SECRET, Math.floor(Date.now() / 1000) - 120);
    expect((await rejection(verifier.verify(bearer(token)))).message).toMatch(/expired/);
  });

  it("accepts a token expired within the 30 s clock tolerance", async () => {
    const token = await sign({}, SECRET, Math.floor(Date.now() / 1000) - 10);
    await expect(verifier.verify(bearer(token))).resolves.toMatchObject({ sub: "officer-1" });
  });

  it("refuses a token signed with another secret", async () => {
    const token = await sign({}, "another-secret-another-secret-another");
    expect((await rejection(verifier.verify(bearer(token)))).message).toMatch(/bad signature/);
  });

  it("refuses a token for another audience or issuer", async () => {
    const otherAudience = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("officer-1")
      .setIssuer("lienthong-idp")
      .setAudience("someone-else")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(SECRET));
    expect((await rejection(verifier.verify(bearer(otherAudience)))).message).toMatch(/wrong audience/);
    const otherIssuer = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("officer-1")
      .setIssuer("evil-idp")
      .setAudience("lienthong-gateway")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(SECRET));
    expect((await rejection(verifier.verify(bearer(otherIssuer)))).message).toMatch(/wrong issuer/);
  });

  it("refuses an unsigned `alg: none` token", async () => {
    const token = new UnsecuredJWT({ scope: "population:read population:pii" })
      .setSubject("officer-1")
      .setIssuer("lienthong-idp")
      .setAudience("lienthong-gateway")
      .setExpirationTime("5m")
      .encode();
    expect((await rejection(verifier.verify(bearer(token)))).message).toMatch(/algorithm none not accepted/);
  });

  it("refuses malformed tokens, headers and claims", async () => {
    expect((await rejection(verifier.verify("Bearer not.a.token"))).message).toMatch(/malformed/);
    expect((await rejection(verifier.verify("Basic dXNlcjpwdw=="))).message).toMatch(/Bearer/);
    const badProvince = await sign({ province: "4" });
    expect((await rejection(verifier.verify(bearer(badProvince)))).message).toMatch(/province claim/);
    const badCommune = await sign({ commune: "1668" });
    expect((await rejection(verifier.verify(bearer(badCommune)))).message).toMatch(/commune claim/);
    const arrayScope = await sign({ scope: ["population:read"] });
    expect((await rejection(verifier.verify(bearer(arrayScope)))).message).toMatch(/scope claim/);
  });

  it("never echoes a forged algorithm name into the WWW-Authenticate header", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "HS256\r\nSet-Cookie: x=1", typ: "JWT" })).toString(
      "base64url",
    );
    const payload = Buffer.from(JSON.stringify({ sub: "x", exp: 9999999999 })).toString("base64url");
    const error = await rejection(verifier.verify(bearer(`${header}.${payload}.c2lnbmF0dXJl`)));
    expect(error.message).toBe("Invalid token: signing algorithm (unrecognised) not accepted");
  });

  it("requires an expiry", async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("officer-1")
      .setIssuer("lienthong-idp")
      .setAudience("lienthong-gateway")
      .sign(new TextEncoder().encode(SECRET));
    expect((await rejection(verifier.verify(bearer(token)))).message).toMatch(/missing exp claim/);
  });

  it("verifies what `npm run token` signs", async () => {
    const local = createTokenVerifier({ ...base, jwtSecret: null });
    const token = await signToken(
      { sub: "officer-7", scopes: ["dossier:read"], province: "01" },
      { secret: DEV_JWT_SECRET, ttl: "1h" },
    );
    await expect(local.verify(bearer(token))).resolves.toEqual({
      sub: "officer-7",
      scopes: ["dossier:read"],
      province: "01",
      commune: null,
    });
  });
});

describe("RS256 / ES256 tokens from a JWKS", () => {
  let keySet: { keys: object[] } = { keys: [] };
  let jwksFetches = 0;
  const server = setupServer(
    http.get(JWKS_URL, () => {
      jwksFetches += 1;
      return HttpResponse.json(keySet);
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());

  async function keyPair(alg: "RS256" | "ES256", kid: string) {
    const pair = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" };
    return { ...pair, jwk, kid, alg };
  }
  const signWith = (key: Awaited<ReturnType<typeof keyPair>>, claims: Record<string, unknown> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setSubject("ioc-viewer")
      .setExpirationTime("5m")
      .sign(key.privateKey);

  it("verifies RS256 and ES256 tokens and fetches the key set again for an unknown kid", async () => {
    const rsa = await keyPair("RS256", "rsa-1");
    const ec = await keyPair("ES256", "ec-1");
    keySet = { keys: [rsa.jwk] };
    const verifier = createTokenVerifier(
      { ...base, jwtSecret: null, jwksUrl: JWKS_URL },
      { jwksCooldownMs: 0 },
    );
    await expect(
      verifier.verify(bearer(await signWith(rsa, { scope: "ioc:dashboard" }))),
    ).resolves.toMatchObject({
      sub: "ioc-viewer",
      scopes: ["ioc:dashboard"],
    });
    await verifier.verify(bearer(await signWith(rsa)));
    expect(jwksFetches).toBe(1);
    // Key rotation: a new kid appears at the identity provider.
    keySet = { keys: [rsa.jwk, ec.jwk] };
    await expect(verifier.verify(bearer(await signWith(ec)))).resolves.toMatchObject({ sub: "ioc-viewer" });
    expect(jwksFetches).toBe(2);
  });

  it("refuses an HS256 token whose secret is the RSA public key (algorithm confusion)", async () => {
    const rsa = await keyPair("RS256", "rsa-2");
    keySet = { keys: [rsa.jwk] };
    const publicPem = await exportSPKI(rsa.publicKey);
    const forged = await new SignJWT({ scope: "population:pii" })
      .setProtectedHeader({ alg: "HS256", kid: "rsa-2" })
      .setSubject("attacker")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(publicPem));
    const jwksOnly = createTokenVerifier({ ...base, jwtSecret: null, jwksUrl: JWKS_URL });
    expect((await rejection(jwksOnly.verify(bearer(forged)))).message).toMatch(
      /algorithm HS256 not accepted/,
    );
    // With both key sources, HS256 is checked against the configured secret only, never against a public key.
    const both = createTokenVerifier({ ...base, jwksUrl: JWKS_URL });
    expect((await rejection(both.verify(bearer(forged)))).message).toMatch(/bad signature/);
  });

  it("accepts no development-secret token once a JWKS is configured", async () => {
    const verifier = createTokenVerifier({ ...base, jwtSecret: null, jwksUrl: JWKS_URL });
    const devToken = await signToken(
      { sub: "local", scopes: ["population:pii"] },
      { secret: DEV_JWT_SECRET, ttl: "5m" },
    );
    expect((await rejection(verifier.verify(bearer(devToken)))).message).toMatch(
      /algorithm HS256 not accepted/,
    );
  });

  it("refuses a token signed by a key the identity provider does not publish", async () => {
    const published = await keyPair("RS256", "rsa-3");
    const stranger = await keyPair("RS256", "rsa-3");
    keySet = { keys: [published.jwk] };
    const verifier = createTokenVerifier({ ...base, jwtSecret: null, jwksUrl: JWKS_URL });
    expect((await rejection(verifier.verify(bearer(await signWith(stranger))))).message).toMatch(
      /bad signature/,
    );
  });
});

describe("key source configuration", () => {
  it("uses the documented development secret locally when nothing is configured", () => {
    const keys = resolveKeySource({ ...base, jwtSecret: null });
    expect(new TextDecoder().decode(keys.secret!)).toBe(DEV_JWT_SECRET);
  });

  it("refuses to start in production without a real key source", () => {
    expect(() => resolveKeySource({ ...base, jwtSecret: null, production: true })).toThrow(AuthConfigError);
    expect(() => resolveKeySource({ ...base, jwtSecret: DEV_JWT_SECRET, production: true })).toThrow(
      /development secret/,
    );
    expect(() => resolveKeySource({ ...base, jwtSecret: "short", production: true })).toThrow(/32 bytes/);
    expect(() =>
      resolveKeySource({ ...base, jwtSecret: null, jwksUrl: JWKS_URL, production: true }),
    ).not.toThrow();
  });
});
