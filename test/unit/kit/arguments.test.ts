import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import {
  dossierCodeArg,
  enterpriseCodeArg,
  householdIdArg,
  industryCodeArg,
  nameContainsArg,
  personalIdArg,
  procedureCodeArg,
} from "../../../subgraphs/kit/arguments.ts";

function refusal(check: () => unknown): { message: string; code: unknown } {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return { message: (error as GraphQLError).message, code: (error as GraphQLError).extensions.code };
  }
  throw new Error("accepted");
}

describe("identifier arguments: the platforms' own rule (common/identifiers.ts), BAD_USER_INPUT naming the argument", () => {
  it.each([
    [personalIdArg, "040085001234", "12ab", "id: '12ab' is not a 12-digit personal identification number"],
    [
      householdIdArg,
      "HK40001000001",
      "HK4000100000",
      "id: 'HK4000100000' is not a household id (HK followed by 11 digits)",
    ],
    [
      enterpriseCodeArg,
      "0100109106",
      "0100109107",
      "id: '0100109107' is not a 10-digit enterprise code with a valid check digit",
    ],
    [industryCodeArg, "6201", "62010", "id: '62010' is not a 4-digit VSIC code"],
    [
      procedureCodeArg,
      "1.001612",
      "1-001612",
      "id: '1-001612' is not a national procedure code like 1.001612",
    ],
    [
      dossierCodeArg,
      "H40-251112-0007",
      "000.00.15.H40-250101-0001",
      "id: '000.00.15.H40-250101-0001' is not a dossier code like H40-251112-0007",
    ],
  ])("%o accepts a valid value and refuses a malformed one", (check, valid, malformed, message) => {
    expect(check("id", valid)).toBe(valid);
    expect(refusal(() => check("id", malformed))).toEqual({ message, code: "BAD_USER_INPUT" });
  });
});

describe("nameContains: one rule for every listing", () => {
  it("takes 2 to 100 characters after trimming", () => {
    expect(nameContainsArg("filter.nameContains", "  an ")).toBe("an");
    expect(nameContainsArg("filter.nameContains", "x".repeat(100))).toBe("x".repeat(100));
  });

  it.each([" a ", "", "x".repeat(101)])("refuses %o", (text) => {
    expect(refusal(() => nameContainsArg("filter.nameContains", text))).toEqual({
      message: "filter.nameContains: must be 2 to 100 characters",
      code: "BAD_USER_INPUT",
    });
  });
});
