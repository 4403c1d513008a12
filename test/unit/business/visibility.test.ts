import { describe, expect, it } from "vitest";
import { ANONYMOUS, type Caller } from "../../../common/caller.ts";
import type { EnterpriseRecord } from "../../../subgraphs/business/platform.ts";
import { assertRepresentativeVisible } from "../../../subgraphs/business/visibility.ts";

const caller = (limits: Partial<Caller>): Caller => ({
  ...ANONYMOUS,
  scopes: ["population:read"],
  ...limits,
});

const enterprise = {
  code: "4000000016",
  headOffice: { provinceCode: "40", communeCode: "40001", line: null },
  representativeId: "040085001234",
} as EnterpriseRecord;

describe("who may see an enterprise's legal representative", () => {
  it("shows it to national callers and to callers of the head office's province or commune", () => {
    for (const limits of [{}, { province: "40" }, { province: "40", commune: "40001" }]) {
      expect(() => assertRepresentativeVisible(caller(limits), enterprise)).not.toThrow();
    }
  });

  it("refuses it (FORBIDDEN) to callers limited elsewhere", () => {
    for (const limits of [{ province: "01" }, { province: "40", commune: "40004" }]) {
      expect(() => assertRepresentativeVisible(caller(limits), enterprise)).toThrow(
        "the legal representative of an enterprise outside your province/commune is not visible",
      );
    }
  });
});
