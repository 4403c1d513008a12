import { describe, expect, it } from "vitest";
import { ANONYMOUS, type Caller, canSeeRecord, visibilityClass } from "../../../common/caller.ts";
import { CallerContextError, signCallerContext, verifyCallerContext } from "../../../common/signedContext.ts";

const SECRET = "a-test-secret-of-enough-length";
const officer: Caller = { sub: "officer-1", scopes: ["population:read"], province: "40", commune: null };

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CallerContextError) return error.reason;
    throw error;
  }
  return "accepted";
}

describe("caller context", () => {
  it("verifies what it signed", () => {
    expect(verifyCallerContext(signCallerContext(officer, SECRET), SECRET)).toEqual(officer);
  });

  it("refuses a missing header as missing", () => {
    expect(reasonOf(() => verifyCallerContext(undefined, SECRET))).toBe("missing");
  });

  it("refuses a context signed with another secret or altered on the way", () => {
    expect(
      reasonOf(() => verifyCallerContext(signCallerContext(officer, "another-secret-value-1234"), SECRET)),
    ).toBe("invalid");
    const [payload, signature] = signCallerContext(officer, SECRET).split(".");
    const widened = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), province: null }),
    ).toString("base64url");
    expect(reasonOf(() => verifyCallerContext(`${widened}.${signature}`, SECRET))).toBe("invalid");
    expect(reasonOf(() => verifyCallerContext("garbage", SECRET))).toBe("invalid");
  });

  it("refuses a context older than 60 seconds", () => {
    const now = Date.now();
    const header = signCallerContext(officer, SECRET, now - 61_000);
    expect(reasonOf(() => verifyCallerContext(header, SECRET, now))).toBe("invalid");
    expect(verifyCallerContext(signCallerContext(officer, SECRET, now - 30_000), SECRET, now)).toEqual(
      officer,
    );
  });
});

describe("record visibility", () => {
  const inNgheAn = { provinceCode: "40", communeCode: "40001" };
  const inHanoi = { provinceCode: "01", communeCode: "00004" };

  it("limits a province caller to its province and a commune caller to its commune", () => {
    expect(canSeeRecord(officer, inNgheAn)).toBe(true);
    expect(canSeeRecord(officer, inHanoi)).toBe(false);
    const communeOfficer = { ...officer, commune: "40004" };
    expect(canSeeRecord(communeOfficer, inNgheAn)).toBe(false);
    expect(canSeeRecord(communeOfficer, { provinceCode: "40", communeCode: "40004" })).toBe(true);
  });

  it("lets national callers see every record", () => {
    expect(canSeeRecord(ANONYMOUS, inHanoi)).toBe(true);
  });

  it("gives callers who see the same data the same visibility class", () => {
    expect(visibilityClass({ ...officer, sub: "a", scopes: ["b", "a"] })).toBe(
      visibilityClass({ ...officer, sub: "z", scopes: ["a", "b", "a"] }),
    );
    expect(visibilityClass(officer)).not.toBe(visibilityClass({ ...officer, province: "01" }));
  });
});
