import { describe, expect, it } from "vitest";
import { ANONYMOUS, type Caller, canSeeRecord, visibilityClass } from "../../../common/caller.ts";

const officer: Caller = { sub: "officer-1", scopes: ["population:read"], province: "40", commune: null };

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
