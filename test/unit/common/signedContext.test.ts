import { describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import {
  CallerContextError,
  decodeContextKey,
  deriveContextKey,
  encodeContextKey,
  signCallerContext,
  verifyCallerContext,
} from "../../../common/signedContext.ts";

const SECRET = "a-test-secret-of-enough-length";
const officer: Caller = { sub: "officer-1", scopes: ["population:read"], province: "40", commune: null };
const BODY = JSON.stringify({ query: '{ citizen(id: "040000000001") { fullName } }' });
const NOW = Date.UTC(2025, 0, 1, 8, 0, 0);
const populationKey = deriveContextKey(SECRET, "population");

function sign(overrides: { audience?: string; body?: string; at?: number; key?: Buffer } = {}) {
  return signCallerContext(
    officer,
    { audience: overrides.audience ?? "population", requestId: "req-1", body: overrides.body ?? BODY },
    overrides.key ?? deriveContextKey(SECRET, overrides.audience ?? "population"),
    overrides.at ?? NOW,
  );
}

/** What population, holding only its own key, makes of a header arriving with `body` at `now`. */
function atPopulation(header: string | undefined, body: string = BODY, now: number = NOW): string {
  try {
    verifyCallerContext(header, { audience: "population", body }, populationKey, now);
    return "accepted";
  } catch (error) {
    if (error instanceof CallerContextError) return `${error.reason}: ${error.message}`;
    throw error;
  }
}

describe("signed caller context", () => {
  it("gives the caller and the signed request id back to the subgraph it was signed for", () => {
    expect(verifyCallerContext(sign(), { audience: "population", body: BODY }, populationKey, NOW)).toEqual({
      caller: officer,
      requestId: "req-1",
    });
    expect(
      verifyCallerContext(sign(), { audience: "population", body: Buffer.from(BODY) }, populationKey, NOW),
    ).toMatchObject({ requestId: "req-1" });
  });

  it("refuses a missing header as missing", () => {
    expect(atPopulation(undefined)).toMatch(/^missing/);
  });

  it("refuses a header replayed against another subgraph", () => {
    expect(atPopulation(sign({ audience: "business" }))).toMatch(/^invalid/);
    // Even signed with population's key, a context naming another audience is not for population.
    expect(atPopulation(sign({ audience: "business", key: populationKey }))).toBe(
      "invalid: caller context is for another subgraph",
    );
  });

  it("refuses a header replayed with another body", () => {
    const other = JSON.stringify({ query: '{ citizen(id: "040000000002") { fullName } }' });
    expect(atPopulation(sign(), other)).toBe("invalid: caller context is for another request body");
  });

  it("expires within seconds, allowing a little clock skew", () => {
    const header = sign();
    expect(atPopulation(header, BODY, NOW + 11_000)).toBe("accepted");
    expect(atPopulation(header, BODY, NOW + 13_000)).toBe("invalid: caller context expired");
    expect(atPopulation(header, BODY, NOW - 5_000)).toBe("invalid: caller context expired");
  });

  it("refuses a context altered on the way or signed with another secret", () => {
    const [payload, signature] = sign().split(".");
    const widened = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), province: null }),
    ).toString("base64url");
    expect(atPopulation(`${widened}.${signature}`)).toBe("invalid: bad caller context signature");
    expect(atPopulation(sign({ key: deriveContextKey("another-secret-value-1234", "population") }))).toMatch(
      /^invalid/,
    );
    expect(atPopulation("garbage")).toMatch(/^invalid/);
  });

  it("derives one key per subgraph (RFC 5869 HKDF-SHA256), so a subgraph's key signs for no other", () => {
    expect(deriveContextKey(SECRET, "population")).toEqual(populationKey);
    expect(deriveContextKey(SECRET, "business")).not.toEqual(populationKey);
    expect(populationKey).toHaveLength(32);
    const encoded = encodeContextKey(populationKey);
    expect(decodeContextKey(encoded)).toEqual(populationKey);
    expect(decodeContextKey(encoded.slice(1))).toBeNull();
  });
});
