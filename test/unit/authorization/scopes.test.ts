import { describe, expect, it } from "vitest";
import { combineRequirements, NO_REQUIREMENT, satisfies } from "../../../common/accessPolicy.ts";
import { ANONYMOUS, visibilityClass } from "../../../common/caller.ts";
import { parseScopeClaim, ScopeClaimError } from "../../../gateway/authorization/scopes.ts";
import { caller } from "./fixture.ts";

describe("@requiresScopes semantics", () => {
  const aAndBOrC = { authenticated: true, scopeSets: [[["a", "b"], ["c"]]] };

  it("reads [[a, b], [c]] as (a AND b) OR c", () => {
    expect(satisfies(caller(["a", "b"]), aAndBOrC)).toBe(true);
    expect(satisfies(caller(["c"]), aAndBOrC)).toBe(true);
    expect(satisfies(caller(["a"]), aAndBOrC)).toBe(false);
    expect(satisfies(caller(["b", "d"]), aAndBOrC)).toBe(false);
    expect(satisfies(caller([]), aAndBOrC)).toBe(false);
  });

  it("needs every combined requirement (field AND type) to hold", () => {
    const both = combineRequirements(
      { authenticated: true, scopeSets: [[["population:read"]]] },
      { authenticated: true, scopeSets: [[["population:pii"]]] },
    );
    expect(satisfies(caller(["population:read"]), both)).toBe(false);
    expect(satisfies(caller(["population:read", "population:pii"]), both)).toBe(true);
  });

  it("lets anyone through where nothing is required, and nobody anonymous where authentication is", () => {
    expect(satisfies(ANONYMOUS, NO_REQUIREMENT)).toBe(true);
    expect(satisfies(ANONYMOUS, { authenticated: true, scopeSets: [] })).toBe(false);
    expect(satisfies(caller([]), { authenticated: true, scopeSets: [] })).toBe(true);
    expect(satisfies({ ...ANONYMOUS, scopes: ["c"] }, aAndBOrC)).toBe(false);
  });
});

describe("the scope claim", () => {
  it("is a space-separated list", () => {
    expect(parseScopeClaim("population:read  dossier:read population:read")).toEqual([
      "population:read",
      "dossier:read",
    ]);
    expect(parseScopeClaim(undefined)).toEqual([]);
  });

  it("refuses anything that is not a list of plain scope names", () => {
    expect(() => parseScopeClaim(["population:read"])).toThrow(ScopeClaimError);
    expect(() => parseScopeClaim("population:read <script>")).toThrow(ScopeClaimError);
    expect(() => parseScopeClaim(Array.from({ length: 51 }, (_, i) => `s${i}`).join(" "))).toThrow(
      ScopeClaimError,
    );
  });
});

describe("visibility classes", () => {
  it("keep anonymous callers apart from tokens without scopes (they differ on @authenticated fields)", () => {
    expect(visibilityClass(ANONYMOUS)).not.toBe(visibilityClass(caller([])));
    expect(visibilityClass(caller(["b", "a"], { sub: "x" }))).toBe(
      visibilityClass(caller(["a", "b"], { sub: "y" })),
    );
  });
});
