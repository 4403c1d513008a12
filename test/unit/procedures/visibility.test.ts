import { describe, expect, it } from "vitest";
import { ANONYMOUS, type Caller } from "../../../common/caller.ts";
import { listingScope } from "../../../subgraphs/procedures/visibility.ts";

const caller = (limits: Partial<Caller>): Caller => ({ ...ANONYMOUS, scopes: ["dossier:read"], ...limits });

describe("the units a dossier listing may cover", () => {
  it("lets a national caller list any unit it names", () => {
    expect(listingScope(caller({}), { province: "01" })).toEqual({ province: "01" });
  });

  it("puts a province-limited caller in its own province, keeping a commune filter within it", () => {
    const officer = caller({ province: "40" });
    expect(listingScope(officer, {})).toEqual({ province: "40" });
    expect(listingScope(officer, { commune: "16000" })).toEqual({ province: "40", commune: "16000" });
    expect(() => listingScope(officer, { province: "01" })).toThrow(
      "filter.provinceCode: province 01 is outside the caller's province",
    );
  });

  it("puts a commune-limited caller in its own commune and refuses another", () => {
    const officer = caller({ province: "40", commune: "16000" });
    expect(listingScope(officer, {})).toEqual({ commune: "16000" });
    expect(listingScope(officer, { province: "40" })).toEqual({ commune: "16000" });
    expect(() => listingScope(officer, { commune: "16003" })).toThrow(
      "filter.communeCode: commune 16003 is outside the caller's commune",
    );
  });
});
