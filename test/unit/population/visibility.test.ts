import { describe, expect, it } from "vitest";
import { ANONYMOUS, type Caller } from "../../../common/caller.ts";
import type { CitizenRecord, HouseholdRecord } from "../../../subgraphs/population/platform.ts";
import {
  canSeeCitizen,
  requireAddressLine,
  visibleCitizen,
  visibleHousehold,
} from "../../../subgraphs/population/visibility.ts";

const caller = (limits: Partial<Caller>): Caller => ({
  ...ANONYMOUS,
  scopes: ["population:read"],
  ...limits,
});

const citizen = (permanent: [string, string], current: [string, string] | null = null): CitizenRecord => ({
  id: "040085001234",
  fullName: "Người 234",
  dateOfBirth: "1985-03-02",
  gender: "MALE",
  birthProvinceCode: "040",
  permanentResidence: { provinceCode: permanent[0], communeCode: permanent[1], line: null },
  currentResidence: current && { provinceCode: current[0], communeCode: current[1], line: null },
  householdId: null,
});

const household: HouseholdRecord = {
  id: "HK40001000001",
  headId: "040085001234",
  memberIds: ["040085001234"],
  provinceCode: "40",
  communeCode: "40001",
  line: null,
};

describe("who may see which person", () => {
  it("lets a caller see a citizen living (permanently or currently) in its province or commune", () => {
    const movedTo01 = citizen(["40", "40001"], ["01", "00004"]);
    expect(canSeeCitizen(caller({ province: "40" }), movedTo01)).toBe(true);
    expect(canSeeCitizen(caller({ province: "01", commune: "00004" }), movedTo01)).toBe(true);
    expect(canSeeCitizen(caller({ province: "01", commune: "00007" }), movedTo01)).toBe(false);
    expect(canSeeCitizen(caller({ province: "79" }), movedTo01)).toBe(false);
    expect(canSeeCitizen(caller({}), movedTo01)).toBe(true);
  });

  it("answers null for an unknown record and FORBIDDEN outside the caller's unit", () => {
    expect(visibleCitizen(caller({ province: "79" }), null)).toBeNull();
    expect(() => visibleCitizen(caller({ province: "79" }), citizen(["40", "40001"]))).toThrow(
      "this citizen lives outside your province/commune",
    );
    expect(visibleHousehold(caller({ commune: "40001" }), household)).toBe(household);
    expect(() => visibleHousehold(caller({ commune: "40004" }), household)).toThrow(
      "this household is outside your province/commune",
    );
  });

  it("gives address lines only to population:pii", () => {
    expect(() => requireAddressLine(caller({}))).toThrow(
      "a citizen's address line needs the population:pii scope",
    );
    expect(() => requireAddressLine(caller({ scopes: ["population:read", "population:pii"] }))).not.toThrow();
  });
});
