import { describe, expect, it } from "vitest";
import {
  enterpriseCheckDigit,
  isCommuneCode,
  isDate,
  isDossierCode,
  isEnterpriseCode,
  isHouseholdId,
  isPersonalId,
  isProcedureCode,
  isProvinceCode,
  isTaskId,
  PRE_2025_PROVINCE_CODES,
  parsePersonalId,
} from "../../../common/identifiers.ts";

describe("personal identification numbers", () => {
  it("parses province, gender and century", () => {
    expect(parsePersonalId("040085001234")).toEqual({
      birthProvinceCode: "040",
      gender: "MALE",
      birthYear: 1985,
      serial: 1234,
    });
    expect(parsePersonalId("001303999999")).toEqual({
      birthProvinceCode: "001",
      gender: "FEMALE",
      birthYear: 2003,
      serial: 999999,
    });
    expect(parsePersonalId("079200000000")?.birthYear).toBe(2000);
    expect(parsePersonalId("079100000000")).toMatchObject({ gender: "FEMALE", birthYear: 1900 });
  });

  it("rejects wrong lengths, non-digits, unknown provinces and unissued century digits", () => {
    for (const bad of [
      "",
      "04008500123",
      "0400850012345",
      "04008500123a",
      " 40085001234",
      "003085001234", // 03 is not a pre-2025 province code
      "140085001234", // PPP must start with 0
      "040485001234", // G = 4: born 2100+
      "040985001234",
      "０40085001234",
    ]) {
      expect(isPersonalId(bad), bad).toBe(false);
    }
  });

  it("knows the 63 pre-2025 provinces", () => {
    expect(PRE_2025_PROVINCE_CODES).toHaveLength(63);
    expect(new Set(PRE_2025_PROVINCE_CODES).size).toBe(63);
  });
});

describe("enterprise codes", () => {
  it("computes the tax-code check digit", () => {
    // 0100109106 (a real code): Σ = 0·31+1·29+0·23+0·19+1·17+0·13+9·7+1·5+0·3 = 114, 114 mod 11 = 4, 10 − 4 = 6.
    expect(enterpriseCheckDigit("010010910")).toBe(6);
    expect(isEnterpriseCode("0100109106")).toBe(true);
  });

  it("gives 0 for remainder 10 and no digit for remainder 0", () => {
    // Σ = 31 → 31 mod 11 = 9 → 1
    expect(enterpriseCheckDigit("100000000")).toBe(1);
    // Σ = 3 → 7
    expect(enterpriseCheckDigit("000000001")).toBe(7);
    // Σ = 5·2 = 10 → remainder 10 → 0
    expect(enterpriseCheckDigit("000000020")).toBe(0);
    expect(isEnterpriseCode("0000000200")).toBe(true);
    // Σ = 0 → remainder 0: "10" is not a digit, so no valid code exists
    expect(enterpriseCheckDigit("000000000")).toBeNull();
    expect(isEnterpriseCode("0000000000")).toBe(false);
    // Σ = 31 + 5·2 = 41 → 41 mod 11 = 8 → 2
    expect(isEnterpriseCode("1000000202")).toBe(true);
    // Σ = 19 + 3 = 22 → remainder 0: none
    expect(enterpriseCheckDigit("000100001")).toBeNull();
  });

  it("rejects a wrong check digit and malformed input", () => {
    expect(isEnterpriseCode("0100109107")).toBe(false);
    expect(isEnterpriseCode("010010910")).toBe(false);
    expect(isEnterpriseCode("01001091060")).toBe(false);
    expect(isEnterpriseCode("010010910x")).toBe(false);
    expect(enterpriseCheckDigit("01001091")).toBeNull();
  });
});

describe("unit, procedure and date formats", () => {
  it("accepts the documented shapes only", () => {
    expect(isProvinceCode("40")).toBe(true);
    expect(isProvinceCode("4")).toBe(false);
    expect(isProvinceCode("040")).toBe(false);
    expect(isCommuneCode("16681")).toBe(true);
    expect(isCommuneCode("1668")).toBe(false);
    expect(isCommuneCode("16681a")).toBe(false);
    expect(isProcedureCode("1.001612")).toBe(true);
    expect(isProcedureCode("1.00161")).toBe(false);
    expect(isProcedureCode("1001612")).toBe(false);
    expect(isProcedureCode("12.001612")).toBe(false);
  });

  it("accepts real calendar dates only", () => {
    expect(isDate("2025-11-13")).toBe(true);
    expect(isDate("2024-02-29")).toBe(true);
    expect(isDate("2025-02-29")).toBe(false);
    expect(isDate("2000-02-29")).toBe(true);
    expect(isDate("1900-02-29")).toBe(false);
    expect(isDate("2025-13-01")).toBe(false);
    expect(isDate("2025-04-31")).toBe(false);
    expect(isDate("2025-1-01")).toBe(false);
    expect(isDate("2025-11-13T00:00:00Z")).toBe(false);
  });
});

describe("sandbox record ids", () => {
  it("accepts household, dossier and task ids of the documented shapes only", () => {
    expect(isHouseholdId("HK16681000005")).toBe(true);
    expect(isHouseholdId("HK1668100005")).toBe(false);
    expect(isHouseholdId("hk16681000005")).toBe(false);
    expect(isDossierCode("H16681-251112-0007")).toBe(true);
    expect(isDossierCode("H40-251112-0003")).toBe(true);
    expect(isDossierCode("H400-251112-0003")).toBe(false);
    expect(isDossierCode("H40-25111-0003")).toBe(false);
    expect(isTaskId("R57-40-0001")).toBe(true);
    expect(isTaskId("P02-16681-0016")).toBe(true);
    expect(isTaskId("X57-40-0001")).toBe(false);
    expect(isTaskId("R57-400-0001")).toBe(false);
  });
});
